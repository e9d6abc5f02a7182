// The organisation, API key and report subscription fields the Settings screen reads (full shapes: /openapi.json).

export interface TenantSettings {
  id: string;
  name: string;
  plan: 'free' | 'pro' | 'enterprise';
  timezone: string;
  currency: string;
  checkInRadiusM: number;
  locale: string;
  holidays: { date: string; name: string }[];
  twoFactorRequired?: boolean;
  version: number;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type Frequency = 'daily' | 'weekly' | 'monthly';
export type ReportFormat = 'pdf' | 'csv' | 'both';

export interface ReportSubscription {
  id: string;
  name: string;
  report: 'executive';
  frequency: Frequency;
  format: ReportFormat;
  recipients: string[];
  active: boolean;
  version: number;
}
