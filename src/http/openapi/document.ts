import { paths } from './paths.js';
import { schemas } from './schemas.js';

/** The service's OpenAPI 3.1 document: served at /openapi.json, browsable at /docs. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Checkout rewards service',
    version: '0.1.0',
    description:
      'A referral mall\'s checkout: pay the cart from the wallet, then a background job pays reward points up the buyer\'s referral tree. ' +
      'Every success is `{"success": true, "data": …}`; every error `{"success": false, "error": {"code", "message", "details"?}}`. ' +
      'Amounts are integers in the smallest currency unit. Lists are paged with `limit` and the `nextCursor` of the page before.',
  },
  servers: [{ url: '/' }],
  tags: [
    { name: 'customer', description: 'A customer\'s own account, with `Authorization: Bearer <token>`' },
    { name: 'admin: users' },
    { name: 'admin: catalogue' },
    { name: 'admin: purchases', description: 'What happened to a purchase, and making it pay' },
    { name: 'admin: rewards' },
    { name: 'admin: books', description: 'The books audit: every balance is the sum of its entries (docs/money-and-books.md)' },
    { name: 'admin: jobs', description: 'Agendash, the queue\'s dashboard, at /admin/jobs' },
    { name: 'operations' },
  ],
  paths,
  components: {
    securitySchemes: {
      adminBasic: { type: 'http', scheme: 'basic', description: 'ADMIN_USERNAME / ADMIN_PASSWORD' },
      customerBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Issued by POST /api/admin/users/{id}/token' },
    },
    schemas,
  },
} as const;
