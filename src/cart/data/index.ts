import { createCart, findCart, replaceCartItems } from './carts.js';

export const cartQueries = { findCart, createCart, replaceCartItems };
