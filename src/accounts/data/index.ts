import { findUser, userExists } from './find-user.js';

export const userQueries = { findUser, userExists };
