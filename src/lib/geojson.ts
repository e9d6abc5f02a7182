import { z } from '@hono/zod-openapi';

/**
 * Zod schemas for the GeoJSON geometries a territory boundary may be (RFC 7946 Polygon / MultiPolygon).
 * Positions are [longitude, latitude] with an optional altitude; every linear ring must be closed and
 * have at least four positions, as the RFC requires. The caps keep one boundary from becoming a
 * megabyte-sized row that every territory read would drag along.
 */
const MAX_RING_POSITIONS = 10_000;
const MAX_RINGS = 100;
const MAX_POLYGONS = 100;

const Position = z
  .array(z.number())
  .min(2)
  .max(3)
  .superRefine((p, ctx) => {
    const [lng = 0, lat = 0] = p;
    if (lng < -180 || lng > 180)
      ctx.addIssue({ code: 'custom', path: [0], message: 'longitude must be in [-180, 180]' });
    if (lat < -90 || lat > 90) ctx.addIssue({ code: 'custom', path: [1], message: 'latitude must be in [-90, 90]' });
  })
  .openapi({ description: '[longitude, latitude] or [longitude, latitude, altitude]', example: [13.405, 52.52] });

const samePosition = (a: number[] | undefined, b: number[] | undefined) =>
  !!a && !!b && a.length === b.length && a.every((v, i) => v === b[i]);

const LinearRing = z
  .array(Position)
  .min(4, 'a linear ring needs at least 4 positions')
  .max(MAX_RING_POSITIONS)
  .refine((ring) => samePosition(ring[0], ring.at(-1)), {
    message: 'a linear ring must be closed (its last position equal to its first)',
  });

const PolygonCoordinates = z.array(LinearRing).min(1).max(MAX_RINGS);

export const PolygonGeometry = z
  .strictObject({ type: z.literal('Polygon'), coordinates: PolygonCoordinates })
  .openapi('GeoJsonPolygon');

export const MultiPolygonGeometry = z
  .strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(PolygonCoordinates).min(1).max(MAX_POLYGONS) })
  .openapi('GeoJsonMultiPolygon');

export const AreaGeometry = z.discriminatedUnion('type', [PolygonGeometry, MultiPolygonGeometry]).openapi({
  description: 'GeoJSON Polygon or MultiPolygon (RFC 7946): closed rings of [lng, lat] positions',
});

export type AreaGeometry = z.infer<typeof AreaGeometry>;
