ALTER TABLE `visits` ADD `check_in_offline` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `visits` ADD `check_out_offline` integer DEFAULT false NOT NULL;