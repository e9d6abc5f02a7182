ALTER TABLE "tenants" ADD COLUMN "locale" text DEFAULT 'en-US' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "holidays" jsonb DEFAULT '[]'::jsonb NOT NULL;