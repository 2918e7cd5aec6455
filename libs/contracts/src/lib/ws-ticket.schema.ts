import { z } from 'zod';

/**
 * Seconds a WebSocket ticket stays redeemable. Long enough for one connect
 * (through a proxy, on a slow network), short enough that a ticket seen in a
 * log is useless by the time anyone reads it; each ticket works once.
 */
export const WS_TICKET_TTL_SECONDS = 30;

/** Answer of the ticket routes: open the socket with `?ticket=<ticket>` within `expires_in` seconds. */
export const wsTicketResponseSchema = z
  .object({
    ticket: z.string().describe('Opaque and single-use; send as ?ticket= on the WebSocket URL'),
    expires_in: z.number().int().describe('Seconds left to open the socket with it'),
  })
  .meta({ id: 'WsTicket' });
export type WsTicketResponse = z.infer<typeof wsTicketResponseSchema>;
