import type { Role } from '../api/types';

export const ROLE_LABEL: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  manager: 'Manager',
  salesman: 'Salesman',
  viewer: 'Viewer',
};
