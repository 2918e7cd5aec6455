import { fieldSchema, parseFields, projectFields } from './fields-projection';

const FILE = fieldSchema(['id', 'name', 'size', 'parents', 'md5Checksum', 'webViewLink']);
const LIST = fieldSchema(['nextPageToken', 'files', 'kind'], { files: FILE });

describe('fields projection', () => {
  const resource = { id: '1', name: 'a', size: '10', parents: ['p'], md5Checksum: 'abc', kind: 'drive#file' };

  it('keeps only the selected fields and skips absent ones', () => {
    expect(projectFields(resource, parseFields('id,size'), FILE)).toEqual({ id: '1', size: '10' });
    expect(projectFields({ id: '1' }, parseFields('id,size,webViewLink'), FILE)).toEqual({ id: '1' });
  });

  it('applies nested selections to arrays and accepts the a/b form', () => {
    const list = { kind: 'drive#fileList', nextPageToken: 't', files: [resource, { ...resource, id: '2' }] };
    expect(projectFields(list, parseFields('nextPageToken,files(id,name)'), LIST)).toEqual({
      nextPageToken: 't',
      files: [
        { id: '1', name: 'a' },
        { id: '2', name: 'a' },
      ],
    });
    expect(projectFields(list, parseFields('files/id'), LIST)).toEqual({ files: [{ id: '1' }, { id: '2' }] });
  });

  it('returns everything for *', () => {
    expect(projectFields(resource, parseFields('*'), FILE)).toEqual(resource);
  });

  it('rejects unknown field names and malformed selectors with Google 400s', () => {
    expect(() => projectFields(resource, parseFields('id,md5checksum'), FILE)).toThrow(/Invalid field selection md5checksum/);
    expect(() => parseFields('files(id')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseFields('')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
