import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { useRoles } from './admin-api.ts';

/** The roles this lab has and exactly what each permits: what granting one means. */
export function RolesCard() {
  const roles = useRoles();
  return (
    <section className="card" aria-labelledby="roles-reference-heading">
      <h2 id="roles-reference-heading">Roles and their permissions</h2>
      {roles.isPending && <Loading />}
      <ErrorNotice error={roles.error} />
      {roles.data && (
        <div className="table-wrap">
          <table className="data" aria-label="Roles and their permissions">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Description</th>
                <th scope="col">Permissions</th>
              </tr>
            </thead>
            <tbody>
              {roles.data.map((role) => (
                <tr key={role.name}>
                  <td>
                    <strong>{role.name}</strong>
                  </td>
                  <td>{role.description}</td>
                  <td>
                    {role.permissions.includes('*') ? (
                      'every permission'
                    ) : (
                      <span className="badge-list">
                        {role.permissions.map((permission) => (
                          <code key={permission} className="badge">
                            {permission}
                          </code>
                        ))}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
