ALTER TABLE "visits" ADD COLUMN "check_in_offline" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "check_out_offline" boolean DEFAULT false NOT NULL;