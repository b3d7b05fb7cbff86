import { findUpline, findUser, userExists } from './find-user.js';
import { insertUser } from './insert-user.js';
import { countDirectReferrals, countDownline, directReferralsPage } from './referrals.js';
import { usersPage } from './users-page.js';

/** The customers' accounts: users, their upline and their referrals. */
export const userQueries = { findUser, userExists, findUpline, insertUser, usersPage, directReferralsPage, countDirectReferrals, countDownline };
