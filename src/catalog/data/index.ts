import { findActiveProducts, productsPage, upsertProductBySku } from './products.js';

export const catalogQueries = { productsPage, findActiveProducts, upsertProductBySku };
