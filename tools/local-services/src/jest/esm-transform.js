// Packages that ship only ES modules; ts-jest must transpile them for jest's
// CommonJS runtime (see README, "Tests").
const esmOnly = [
  'gaxios', 'webdav', '@buttercup', '@nodable', 'hot-patcher', 'layerr', 'node-fetch', 'data-uri-to-buffer',
  'fetch-blob', 'formdata-polyfill', 'url-join', 'xml-naming', 'strnum', 'anynum', 'https-proxy-agent', 'agent-base',
];
module.exports = { transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`] };
