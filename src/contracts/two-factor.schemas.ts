import { z } from './common';

/** Two-factor authentication (TOTP): what its REST routes (and tests) send and answer. */

const TotpCode = z
  .string()
  .trim()
  .min(6)
  .max(12)
  .openapi({ description: 'The 6-digit code the authenticator app shows (spaces ignored)', example: '123456' });
const RecoveryCode = z
  .string()
  .trim()
  .min(10)
  .max(24)
  .openapi({ description: 'One of the recovery codes (`xxxxx-xxxxx`; case, spaces and dashes ignored)' });

/** A code of the app or a recovery code: exactly one. */
const exactlyOne = (v: { code?: string | undefined; recoveryCode?: string | undefined }) =>
  (v.code === undefined) !== (v.recoveryCode === undefined);
const exactlyOneError = { message: 'Send either code or recoveryCode', path: ['code'] };

export const SecondFactorBody = z
  .strictObject({ code: TotpCode.optional(), recoveryCode: RecoveryCode.optional() })
  .refine(exactlyOne, exactlyOneError)
  .openapi('SecondFactor');

export const TwoFactorLoginBody = z
  .strictObject({
    challengeToken: z
      .string()
      .min(1)
      .max(2048)
      .openapi({ description: 'From the TWO_FACTOR_REQUIRED answer of /v1/auth/login' }),
    code: TotpCode.optional(),
    recoveryCode: RecoveryCode.optional(),
  })
  .refine(exactlyOne, exactlyOneError)
  .openapi('TwoFactorLogin');

export const ConfirmEnrolmentBody = z.strictObject({ code: TotpCode }).openapi('ConfirmTwoFactorEnrolment');

export const DisableTwoFactorBody = z
  .strictObject({
    code: TotpCode.optional(),
    recoveryCode: RecoveryCode.optional(),
    password: z.string().min(1).max(256).optional().openapi({
      description: 'Your password; not needed within 5 minutes of a step-up',
    }),
  })
  .refine(exactlyOne, exactlyOneError)
  .openapi('DisableTwoFactor');

/** Regenerating codes: a code in the body, or none after a fresh step-up. */
export const RegenerateCodesBody = z
  .strictObject({ code: TotpCode.optional(), recoveryCode: RecoveryCode.optional() })
  .refine((v) => v.code === undefined || v.recoveryCode === undefined, {
    message: 'Send code or recoveryCode, not both',
    path: ['code'],
  })
  .openapi('RegenerateRecoveryCodes');

export const TwoFactorStatusSchema = z
  .object({
    enabled: z.boolean(),
    enabledAt: z.string().nullable(),
    pending: z.boolean().openapi({ description: 'An enrolment was started and waits for its first code' }),
    recoveryCodesRemaining: z.number().int(),
    required: z.boolean().openapi({ description: 'The organisation requires it of this user (owners and admins)' }),
  })
  .openapi('TwoFactorStatus');

export const EnrolmentSchema = z
  .object({
    secret: z.string().openapi({ description: 'Base32, for typing into the app; shown once' }),
    otpauthUri: z.string().openapi({
      example:
        'otpauth://totp/Fieldline:ana%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Fieldline&algorithm=SHA1&digits=6&period=30',
    }),
  })
  .openapi('TwoFactorEnrolment');

export const RecoveryCodesSchema = z
  .object({ recoveryCodes: z.array(z.string()).openapi({ description: 'Each works once; shown only now' }) })
  .openapi('RecoveryCodes');

export const EnabledSchema = RecoveryCodesSchema.extend({
  accessToken: z.string().openapi({
    description: 'A new access token of the same login, no longer restricted to enrolling, with the step-up done',
  }),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
}).openapi('TwoFactorEnabled');

export const StepUpSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    stepUpExpiresAt: z.string().openapi({ description: 'Sensitive actions need no new code until then' }),
  })
  .openapi('StepUp');
