import { builder } from './builder';
import './types/catalog';
import './types/crm';
import './types/team';
import './types/visits';
import './types/sales';
import './types/notifications';
import './types/analytics';
import './types/security';
import './mutations';
import './field-mutations';
import './subscriptions';

/** Built once per isolate, when this module loads: the schema never changes at runtime. */
export const schema = builder.toSchema({ sortSchema: false });
