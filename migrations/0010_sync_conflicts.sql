CREATE TABLE `sync_conflicts` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`client_id` text NOT NULL,
	`mutation_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`base_version` integer NOT NULL,
	`server_version` integer NOT NULL,
	`fields` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`client_id`) REFERENCES `sync_clients`(`tenant_id`,`client_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sync_conflicts_tenant_created_idx` ON `sync_conflicts` (`tenant_id`,`created_at`,`id`);