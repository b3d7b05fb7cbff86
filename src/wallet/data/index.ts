import { debitForPurchase } from './debit-for-purchase.js';

export const walletQueries = { debitForPurchase };
