ALTER TABLE `tenants` ADD `locale` text DEFAULT 'en-US' NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `holidays` text DEFAULT '[]' NOT NULL;