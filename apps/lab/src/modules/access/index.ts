/** The access module as other modules see it: everything else in this folder is its own. */
export { grants, type Permission, type RouteAccess } from './permissions.ts';
export { loadPrincipal, type Principal } from './principal.repository.ts';
