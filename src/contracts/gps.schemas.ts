import { FieldLimits } from '@fieldline/client/protocol';
import { z } from './common';

/**
 * GPS: one position shape for everything a phone reports (check-ins and check-outs over REST, GraphQL and
 * sync; the live `location` frame of the realtime protocol) and the live location the API answers. The
 * device-time rule that goes with a fix is `deviceTimeProblem` in `@fieldline/client/protocol`.
 */

export const Latitude = z.number().min(-90).max(90);
export const Longitude = z.number().min(-180).max(180);

/** A reported position: where the device was and how sure it was. */
export const gpsPosition = {
  lat: Latitude,
  lng: Longitude,
  accuracy: z
    .number()
    .min(0)
    .max(FieldLimits.accuracyMetres)
    .openapi({ description: 'Reported horizontal accuracy, metres' }),
};

/** A live fix as a salesman's phone streams it (the `location` frame, without its `type`). */
export const LocationFix = z.object({
  ...gpsPosition,
  speed: z.number().min(0).max(FieldLimits.speedMetresPerSecond).nullable().optional(),
  heading: z.number().min(0).max(360).nullable().optional(),
  ts: z.number().int().positive().openapi({ description: 'Device time of the fix, ms since the epoch' }),
});

/** A salesman's latest live fix, as the API answers it. */
export const LiveLocationSchema = z
  .object({ salesmanId: z.string(), ...LocationFix.shape, ts: z.number().int() })
  .openapi('LiveLocation');
