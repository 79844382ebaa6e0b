// Which OpenAPI host the action talks to for a region: the one the Alibaba Cloud SDK itself picks from
// its per-region endpoint map (falling back to <product>.<region>.aliyuncs.com), unless the user set
// ack-endpoint / sts-endpoint. The expected hosts below are what the SDKs' own _endpointMap says
// (@alicloud/cs20151215 and @alicloud/sts20150401), not a guess of ours.
import { describe, expect, it } from '@jest/globals';
import { chooseEndpoint, describeEndpoint } from '../../../src/auth/aliyun.js';

describe('[R3-9] OpenAPI endpoints come from the SDK for the region', () => {
  it.each([
    // ACK (cs): regions the SDK maps to the central endpoint, and ones that keep the regional rule.
    ['cs', 'cn-hangzhou', 'cs.cn-hangzhou.aliyuncs.com'],
    ['cs', 'cn-wuhan', 'cs.aliyuncs.com'],
    ['cs', 'cn-fujian', 'cs.aliyuncs.com'],
    ['cs', 'cn-zhangbei', 'cs.aliyuncs.com'],
    ['cs', 'cn-beijing-finance-pop', 'cs.aliyuncs.com'],
    ['cs', 'cn-hongkong-finance-pop', 'cs.aliyuncs.com'],
    ['cs', 'cn-beijing-gov-1', 'cs.aliyuncs.com'],
    ['cs', 'cn-shanghai-finance-1', 'cs.cn-shanghai-finance-1.aliyuncs.com'],
    ['cs', 'ap-south-1', 'cs.ap-south-1.aliyuncs.com'],
    ['cs', 'ap-southeast-2', 'cs.ap-southeast-2.aliyuncs.com'],
    // STS: the same central regions, plus ap-south-1 and ap-southeast-2.
    ['sts', 'cn-hangzhou', 'sts.cn-hangzhou.aliyuncs.com'],
    ['sts', 'cn-wuhan', 'sts.aliyuncs.com'],
    ['sts', 'cn-fujian', 'sts.aliyuncs.com'],
    ['sts', 'cn-zhangbei', 'sts.aliyuncs.com'],
    ['sts', 'cn-beijing-finance-pop', 'sts.aliyuncs.com'],
    ['sts', 'cn-beijing-gov-1', 'sts.aliyuncs.com'],
    ['sts', 'ap-south-1', 'sts.aliyuncs.com'],
    ['sts', 'ap-southeast-2', 'sts.aliyuncs.com'],
    ['sts', 'cn-hongkong', 'sts.cn-hongkong.aliyuncs.com']
  ] as const)('[R3-9] %s in %s → %s', async (product, region, host) => {
    const e = await chooseEndpoint(product, undefined, region);
    expect(e).toEqual({ host });
    expect(describeEndpoint(e)).toBe(`https://${host}`);
  });

  it.each([
    ['https://cs-vpc.cn-wuhan.aliyuncs.com', { host: 'cs-vpc.cn-wuhan.aliyuncs.com', protocol: 'https' }],
    ['http://127.0.0.1:8080', { host: '127.0.0.1:8080', protocol: 'http' }],
    ['cs.cn-wuhan.aliyuncs.com/', { host: 'cs.cn-wuhan.aliyuncs.com' }]
  ])('[R3-9] ack-endpoint %s wins over the SDK map', async (override, expected) => {
    expect(await chooseEndpoint('cs', override, 'cn-wuhan')).toEqual(expected);
  });
});
