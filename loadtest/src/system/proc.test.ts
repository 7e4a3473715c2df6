import { parseStatCpuTicks, parseStatusRssKb, parseSystemCpu, ProcessSampler } from './proc';

describe('/proc parsing', () => {
  it('parseStatusRssKb - reads VmRSS in kB', () => {
    const status = 'Name:\tnode\nVmPeak:\t  900000 kB\nVmRSS:\t   52344 kB\nRssAnon:\t 40000 kB\n';
    expect(parseStatusRssKb(status)).toBe(52344);
    expect(parseStatusRssKb('Name:\tkthreadd\n')).toBeUndefined();
  });

  it('parseStatCpuTicks - adds utime and stime, even when the command name has spaces and parens', () => {
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 567 0 0 20 0 11 0 100 0 0';
    expect(parseStatCpuTicks(stat)).toBe(1801);
    expect(parseStatCpuTicks('')).toBeUndefined();
  });

  it('parseSystemCpu - busy excludes idle and iowait', () => {
    const stat = 'cpu  100 5 50 800 40 3 2 0 0 0\ncpu0 50 2 25 400 20 1 1 0 0 0\n';
    expect(parseSystemCpu(stat)).toEqual({ busy: 160, total: 1000 });
    expect(parseSystemCpu('intr 1 2 3')).toBeUndefined();
  });

  it('ProcessSampler - samples this very process', () => {
    const sampler = new ProcessSampler();
    sampler.add('self', process.pid);
    sampler.add('ignored', undefined);
    sampler.mark('start');
    const until = performance.now() + 30;
    while (performance.now() < until) Math.sqrt(Math.random());
    sampler.mark('end');
    const [self, ...rest] = sampler.stats();
    expect(rest).toEqual([]);
    expect(self?.name).toBe('self');
    if (process.platform !== 'linux') return;
    expect(self?.peakRssMb).toBeGreaterThan(1);
    expect(self?.points.length).toBe(2);
    expect(self?.cpuPct).toBeGreaterThanOrEqual(0);
    expect(sampler.systemBusyPct()).toBeGreaterThanOrEqual(0);
  });
});
