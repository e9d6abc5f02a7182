CREATE TABLE "sync_clients" (
	"tenant_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"last_mutation_id" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "sync_clients_tenant_id_client_id_pk" PRIMARY KEY("tenant_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "sync_mutations" (
	"tenant_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"mutation_id" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"entity_type" text,
	"entity_id" uuid,
	"entity_version" integer,
	"problem_code" text,
	"problem_status" integer,
	"problem_detail" text,
	"client_time" timestamp (3) with time zone NOT NULL,
	"processed_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "sync_mutations_tenant_id_client_id_mutation_id_pk" PRIMARY KEY("tenant_id","client_id","mutation_id")
);
--> statement-breakpoint
ALTER TABLE "sync_clients" ADD CONSTRAINT "sync_clients_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_mutations" ADD CONSTRAINT "sync_mutations_tenant_id_client_id_sync_clients_tenant_id_client_id_fk" FOREIGN KEY ("tenant_id","client_id") REFERENCES "public"."sync_clients"("tenant_id","client_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_clients_client_uq" ON "sync_clients" USING btree ("client_id");