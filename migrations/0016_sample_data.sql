CREATE TABLE `sample_data` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`loaded_at` text NOT NULL,
	`loaded_by` text NOT NULL,
	`records` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
