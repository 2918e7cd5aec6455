import { backupStoreFromConfig, describeBackupTarget } from './backup-config';

describe('backup configuration', () => {
  it('without WEBDAV_URL there is no store and the summary says backups are disabled', () => {
    expect(backupStoreFromConfig({ WEBDAV_PREFIX: '/directdrivex' })).toBeNull();
    expect(describeBackupTarget({ WEBDAV_PREFIX: '/directdrivex' })).toEqual({ enabled: false, reason: expect.stringContaining('WEBDAV_URL') });
  });

  it('with WEBDAV_URL the store and the summary name the target without credentials', () => {
    const config = { WEBDAV_URL: 'https://u1:secret@u1.your-storagebox.de/', WEBDAV_USERNAME: 'u1', WEBDAV_PASSWORD: 'pw', WEBDAV_PREFIX: 'directdrivex/' };
    const store = backupStoreFromConfig(config);
    expect(store?.target).toBe('https://u1.your-storagebox.de/directdrivex');
    expect(store?.backupPathFor('f1', 'a b.txt')).toBe('/directdrivex/f1/a b.txt');
    store?.close();
    expect(describeBackupTarget(config)).toEqual({ enabled: true, target: 'https://u1.your-storagebox.de/directdrivex' });
    expect(JSON.stringify(describeBackupTarget(config))).not.toContain('secret');
  });
});
