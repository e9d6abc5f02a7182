CREATE TABLE `inventory` (
	`tenant_id` text NOT NULL,
	`product_id` text NOT NULL,
	`on_hand` integer DEFAULT 0 NOT NULL,
	`reserved` integer DEFAULT 0 NOT NULL,
	`low_stock_threshold` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`tenant_id`, `product_id`),
	FOREIGN KEY (`tenant_id`,`product_id`) REFERENCES `products`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "inventory_on_hand_non_negative" CHECK(on_hand >= 0),
	CONSTRAINT "inventory_reserved_within_stock" CHECK(reserved >= 0 AND reserved <= on_hand)
);
--> statement-breakpoint
CREATE INDEX `inventory_tenant_updated_idx` ON `inventory` (`tenant_id`,`updated_at`,`product_id`);--> statement-breakpoint
CREATE TABLE `products` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`category` text,
	`price_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "products_price_non_negative" CHECK(price_minor >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_tenant_sku_uq` ON `products` (`tenant_id`,`sku`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `products_tenant_name_idx` ON `products` (`tenant_id`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `products_tenant_category_idx` ON `products` (`tenant_id`,`category`);--> statement-breakpoint
CREATE INDEX `products_tenant_updated_idx` ON `products` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `stock_movements` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`product_id` text NOT NULL,
	`kind` text NOT NULL,
	`on_hand_delta` integer NOT NULL,
	`reserved_delta` integer NOT NULL,
	`on_hand_after` integer NOT NULL,
	`reserved_after` integer NOT NULL,
	`reason` text,
	`order_id` text,
	`actor_id` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`product_id`) REFERENCES `products`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stock_movements_product_idx` ON `stock_movements` (`tenant_id`,`product_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`tenant_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`actor_id` text,
	`payload` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `events_tenant_entity_idx` ON `events` (`tenant_id`,`entity_type`,`entity_id`);--> statement-breakpoint
CREATE TABLE `customers` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`name` text NOT NULL,
	`email` text,
	`phone` text,
	`company` text,
	`address` text,
	`city` text,
	`lat` real,
	`lng` real,
	`territory_id` text,
	`salesman_id` text,
	`notes` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`territory_id`) REFERENCES `territories`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`,`salesman_id`) REFERENCES `salesmen`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customers_tenant_name_idx` ON `customers` (`tenant_id`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `customers_tenant_salesman_idx` ON `customers` (`tenant_id`,`salesman_id`);--> statement-breakpoint
CREATE INDEX `customers_tenant_territory_idx` ON `customers` (`tenant_id`,`territory_id`);--> statement-breakpoint
CREATE INDEX `customers_tenant_updated_idx` ON `customers` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `salesmen` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`user_id` text,
	`territory_id` text,
	`name` text NOT NULL,
	`phone` text,
	`employee_code` text,
	`active` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`user_id`) REFERENCES `users`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`,`territory_id`) REFERENCES `territories`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `salesmen_tenant_user_uq` ON `salesmen` (`tenant_id`,`user_id`) WHERE deleted_at IS NULL AND user_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `salesmen_tenant_code_uq` ON `salesmen` (`tenant_id`,`employee_code`) WHERE deleted_at IS NULL AND employee_code IS NOT NULL;--> statement-breakpoint
CREATE INDEX `salesmen_tenant_territory_idx` ON `salesmen` (`tenant_id`,`territory_id`);--> statement-breakpoint
CREATE INDEX `salesmen_tenant_updated_idx` ON `salesmen` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `targets` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`salesman_id` text NOT NULL,
	`period_type` text NOT NULL,
	`period_start` text NOT NULL,
	`period_end` text NOT NULL,
	`revenue_goal_minor` integer DEFAULT 0 NOT NULL,
	`visit_goal` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`salesman_id`) REFERENCES `salesmen`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `targets_tenant_salesman_period_uq` ON `targets` (`tenant_id`,`salesman_id`,`period_type`,`period_start`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `targets_tenant_updated_idx` ON `targets` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `territories` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`name` text NOT NULL,
	`description` text,
	`boundary` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `territories_tenant_name_uq` ON `territories` (`tenant_id`,`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `territories_tenant_updated_idx` ON `territories` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `visits` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`customer_id` text NOT NULL,
	`salesman_id` text NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`planned_at` text,
	`check_in_at` text,
	`check_in_lat` real,
	`check_in_lng` real,
	`check_in_accuracy_m` real,
	`check_in_distance_m` real,
	`verdict` text,
	`check_out_at` text,
	`check_out_lat` real,
	`check_out_lng` real,
	`check_out_accuracy_m` real,
	`outcome` text,
	`notes` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`customer_id`) REFERENCES `customers`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`,`salesman_id`) REFERENCES `salesmen`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `visits_tenant_salesman_idx` ON `visits` (`tenant_id`,`salesman_id`,`planned_at`);--> statement-breakpoint
CREATE INDEX `visits_tenant_customer_idx` ON `visits` (`tenant_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `visits_tenant_checkin_idx` ON `visits` (`tenant_id`,`check_in_at`);--> statement-breakpoint
CREATE INDEX `visits_tenant_updated_idx` ON `visits` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`order_id` text NOT NULL,
	`position` integer NOT NULL,
	`product_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`discount_bps` integer DEFAULT 0 NOT NULL,
	`line_total_minor` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`order_id`) REFERENCES `orders`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`,`product_id`) REFERENCES `products`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_lines_quantity_positive" CHECK(quantity > 0),
	CONSTRAINT "order_lines_discount_range" CHECK(discount_bps >= 0 AND discount_bps <= 10000)
);
--> statement-breakpoint
CREATE INDEX `order_lines_order_idx` ON `order_lines` (`tenant_id`,`order_id`,`position`);--> statement-breakpoint
CREATE INDEX `order_lines_product_idx` ON `order_lines` (`tenant_id`,`product_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`customer_id` text NOT NULL,
	`salesman_id` text,
	`visit_id` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`currency` text NOT NULL,
	`subtotal_minor` integer NOT NULL,
	`discount_minor` integer NOT NULL,
	`total_minor` integer NOT NULL,
	`paid_minor` integer DEFAULT 0 NOT NULL,
	`notes` text,
	`ordered_at` text NOT NULL,
	`confirmed_at` text,
	`fulfilled_at` text,
	`cancelled_at` text,
	`cancel_reason` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`customer_id`) REFERENCES `customers`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`,`salesman_id`) REFERENCES `salesmen`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`,`visit_id`) REFERENCES `visits`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "orders_paid_within_total" CHECK(paid_minor >= 0)
);
--> statement-breakpoint
CREATE INDEX `orders_tenant_customer_idx` ON `orders` (`tenant_id`,`customer_id`,`ordered_at`);--> statement-breakpoint
CREATE INDEX `orders_tenant_salesman_idx` ON `orders` (`tenant_id`,`salesman_id`,`ordered_at`);--> statement-breakpoint
CREATE INDEX `orders_tenant_status_idx` ON `orders` (`tenant_id`,`status`,`ordered_at`);--> statement-breakpoint
CREATE INDEX `orders_tenant_ordered_idx` ON `orders` (`tenant_id`,`ordered_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_tenant_updated_idx` ON `orders` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`order_id` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`method` text NOT NULL,
	`status` text NOT NULL,
	`reference` text,
	`received_at` text NOT NULL,
	`refunded_at` text,
	`notes` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`order_id`) REFERENCES `orders`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payments_amount_positive" CHECK(amount_minor > 0)
);
--> statement-breakpoint
CREATE INDEX `payments_tenant_order_idx` ON `payments` (`tenant_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `payments_tenant_updated_idx` ON `payments` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_by` text NOT NULL,
	`expires_at` text,
	`last_used_at` text,
	`revoked_at` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_tenant_updated_idx` ON `api_keys` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `batch_guard` (
	`row_changed` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_headers` text,
	`response_body` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_expires_idx` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`family_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`revoked_at` text,
	FOREIGN KEY (`tenant_id`,`user_id`) REFERENCES `users`(`tenant_id`,`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refresh_tokens_hash_uq` ON `refresh_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `refresh_tokens_family_idx` ON `refresh_tokens` (`family_id`);--> statement-breakpoint
CREATE INDEX `refresh_tokens_user_idx` ON `refresh_tokens` (`tenant_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`plan` text DEFAULT 'free' NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`check_in_radius_m` integer DEFAULT 200 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
CREATE TABLE `users` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text,
	`active` integer DEFAULT true NOT NULL,
	`last_login_at` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_tenant_email_uq` ON `users` (`tenant_id`,`email`);--> statement-breakpoint
CREATE INDEX `users_email_idx` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_tenant_updated_idx` ON `users` (`tenant_id`,`updated_at`,`id`);