CREATE TABLE `invitations` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`salesman_id` text,
	`territory_id` text,
	`token_hash` text NOT NULL,
	`status` text NOT NULL,
	`invited_by` text NOT NULL,
	`expires_at` text NOT NULL,
	`email_status` text NOT NULL,
	`email_error` text,
	`sent_at` text,
	`send_count` integer DEFAULT 0 NOT NULL,
	`accepted_at` text,
	`user_id` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_uq` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_tenant_email_pending_uq` ON `invitations` (`tenant_id`,`email`) WHERE status = 'pending' AND deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `invitations_tenant_updated_idx` ON `invitations` (`tenant_id`,`updated_at`,`id`);