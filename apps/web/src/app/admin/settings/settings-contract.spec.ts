import { adminSettingsSchema } from '@ddx/contracts';

import { SETTING_KEYS } from './settings-form';

describe('settings contract', () => {
  it('the form has a field for every setting of the shared schema the api validates with', () => {
    expect([...SETTING_KEYS].sort()).toEqual(Object.keys(adminSettingsSchema.shape).sort());
  });
});
