import { canAssignRole, canModerate, canResetPassword, Role } from './permissions';

const { regular, admin, superadmin } = Role;
const ROLES = [regular, admin, superadmin];

/**
 * Every actor/target pair, so each rule is pinned in both directions between
 * the admin roles: a rule that only checks one side changes a cell here.
 */
describe('role rules for every pair of roles', () => {
  const MODERATE: Record<Role, Record<Role, boolean>> = {
    regular: { regular: false, admin: false, superadmin: false },
    admin: { regular: true, admin: false, superadmin: false },
    superadmin: { regular: true, admin: true, superadmin: false },
  };
  const RESET_PASSWORD: Record<Role, Record<Role, boolean>> = {
    regular: { regular: false, admin: false, superadmin: false },
    admin: { regular: true, admin: false, superadmin: false },
    superadmin: { regular: true, admin: true, superadmin: true },
  };

  for (const actor of ROLES) {
    for (const target of ROLES) {
      it(`${actor} moderating ${target}: ${MODERATE[actor][target]}; resetting its password: ${RESET_PASSWORD[actor][target]}`, () => {
        expect(canModerate(actor, target)).toBe(MODERATE[actor][target]);
        expect(canResetPassword(actor, target)).toBe(RESET_PASSWORD[actor][target]);
      });
    }
  }

  for (const actor of ROLES) {
    for (const from of ROLES) {
      for (const to of ROLES) {
        const allowed = actor === superadmin && from !== superadmin && from !== to;
        it(`${actor} changing ${from} to ${to}: ${allowed}`, () => {
          expect(canAssignRole(actor, from, to)).toBe(allowed);
        });
      }
    }
  }

  it('grants nothing to a role it does not know', () => {
    expect(canModerate('owner' as Role, regular)).toBe(false);
    expect(canResetPassword('owner' as Role, regular)).toBe(false);
    expect(canAssignRole('owner' as Role, regular, admin)).toBe(false);
  });
});
