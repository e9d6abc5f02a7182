CREATE TABLE "invitations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"deleted_at" timestamp (3) with time zone,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"salesman_id" uuid,
	"territory_id" uuid,
	"token_hash" text NOT NULL,
	"status" text NOT NULL,
	"invited_by" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"email_status" text NOT NULL,
	"email_error" text,
	"sent_at" timestamp (3) with time zone,
	"send_count" integer DEFAULT 0 NOT NULL,
	"accepted_at" timestamp (3) with time zone,
	"user_id" uuid,
	CONSTRAINT "invitations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_uq" ON "invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_tenant_email_pending_uq" ON "invitations" USING btree ("tenant_id","email") WHERE status = 'pending' AND deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "invitations_tenant_updated_idx" ON "invitations" USING btree ("tenant_id","updated_at","id");