CREATE TABLE `sync_clients` (
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`user_id` text NOT NULL,
	`last_mutation_id` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `client_id`),
	FOREIGN KEY (`tenant_id`,`user_id`) REFERENCES `users`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_clients_client_uq` ON `sync_clients` (`client_id`);--> statement-breakpoint
CREATE TABLE `sync_mutations` (
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`mutation_id` integer NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`entity_type` text,
	`entity_id` text,
	`entity_version` integer,
	`problem_code` text,
	`problem_status` integer,
	`problem_detail` text,
	`client_time` text NOT NULL,
	`processed_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `client_id`, `mutation_id`),
	FOREIGN KEY (`tenant_id`,`client_id`) REFERENCES `sync_clients`(`tenant_id`,`client_id`) ON UPDATE no action ON DELETE no action
);
