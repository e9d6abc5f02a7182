CREATE TABLE `location_trail` (
	`tenant_id` text NOT NULL,
	`salesman_id` text NOT NULL,
	`recorded_at` text NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`accuracy_m` real NOT NULL,
	`speed_mps` real,
	`heading_deg` real,
	`received_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `salesman_id`, `recorded_at`),
	FOREIGN KEY (`tenant_id`,`salesman_id`) REFERENCES `salesmen`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`salesman_id` text,
	`sender_id` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`data` text,
	`read_at` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`salesman_id`) REFERENCES `salesmen`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_tenant_salesman_idx` ON `notifications` (`tenant_id`,`salesman_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_tenant_updated_idx` ON `notifications` (`tenant_id`,`updated_at`,`id`);