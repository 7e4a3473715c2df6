/** The SDK's version, sent in Hello.client so gateway logs can tell client builds apart. */
export const CLIENT_VERSION = '0.1.0';
