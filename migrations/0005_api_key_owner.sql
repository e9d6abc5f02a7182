ALTER TABLE `api_keys` ADD `owner_id` text;--> statement-breakpoint
-- Keys made by a user belong to that user; keys made by a key belong to that key's owner (two passes
-- cover keys made by keys made by keys). A key whose owner cannot be found stays NULL and is refused.
UPDATE `api_keys` SET `owner_id` = `created_by` WHERE EXISTS (SELECT 1 FROM `users` u WHERE u.`tenant_id` = `api_keys`.`tenant_id` AND u.`id` = `api_keys`.`created_by`);
--> statement-breakpoint
UPDATE `api_keys` SET `owner_id` = (SELECT p.`owner_id` FROM `api_keys` p WHERE p.`tenant_id` = `api_keys`.`tenant_id` AND p.`id` = `api_keys`.`created_by`) WHERE `owner_id` IS NULL;
--> statement-breakpoint
UPDATE `api_keys` SET `owner_id` = (SELECT p.`owner_id` FROM `api_keys` p WHERE p.`tenant_id` = `api_keys`.`tenant_id` AND p.`id` = `api_keys`.`created_by`) WHERE `owner_id` IS NULL;
