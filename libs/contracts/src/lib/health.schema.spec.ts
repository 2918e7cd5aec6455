import { errorBodySchema } from './error.schema';
import { healthResponseSchema } from './health.schema';

describe('contracts', () => {
  it('accepts a health body and rejects unknown statuses', () => {
    expect(healthResponseSchema.parse({ status: 'ok', mongo: 'up', redis: 'up' }).status).toBe('ok');
    expect(healthResponseSchema.safeParse({ status: 'fine', mongo: 'up', redis: 'up' }).success).toBe(false);
  });

  it('requires the three error body fields', () => {
    expect(errorBodySchema.safeParse({ statusCode: 400, error: 'VALIDATION' }).success).toBe(false);
    expect(errorBodySchema.safeParse({ statusCode: 400, error: 'VALIDATION', message: 'Bad' }).success).toBe(true);
  });
});
