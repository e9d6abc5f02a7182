CREATE TABLE "sync_conflicts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"mutation_id" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"base_version" integer NOT NULL,
	"server_version" integer NOT NULL,
	"fields" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "sync_conflicts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD CONSTRAINT "sync_conflicts_tenant_id_client_id_sync_clients_tenant_id_client_id_fk" FOREIGN KEY ("tenant_id","client_id") REFERENCES "public"."sync_clients"("tenant_id","client_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_conflicts_tenant_created_idx" ON "sync_conflicts" USING btree ("tenant_id","created_at","id");