import type { AttackResult } from './attacks';
import type { CompanyLoad, CompanyResult } from './company';
import type { NotifyResult } from './notify';
import type { ReplicationResult } from './replication';
import type { CheckInResult } from './checkin';
import type { DeskLoadResult } from './desk-load';
import type { GridResult } from './grid';
import type { InterfaceResult, PathFigures } from './interface';
import { LOG_QUERIES, type LogScalingResult } from './log-scaling';
import { round, type PairedRatio } from './lib';
import type { ServingResult } from './serving';
import type { CpuShares, SitesResult } from './sites';

export interface BenchResults {
  mode: string;
  date: string;
  machine: { cpus: number; cpu_model: string; memory_gib: number; node: string; platform: string };
  seconds: number;
  /** Each part is absent when `--only` left it out. */
  check_in?: CheckInResult | undefined;
  serving?: ServingResult | undefined;
  grid?: GridResult | undefined;
  interface?: InterfaceResult | undefined;
  desk_load?: DeskLoadResult | undefined;
  log_scaling?: LogScalingResult | undefined;
  attacks?: AttackResult | undefined;
  replication?: ReplicationResult | undefined;
  notify?: NotifyResult | undefined;
  company?: CompanyResult | undefined;
  sites?: SitesResult | undefined;
}

const verdict = (ok: boolean): string => (ok ? 'met' : '**not met**');

type Row = string[];

function checkInRows(c: CheckInResult): Row[] {
  return [
    [
      'Check-in of a 12 MP JPEG, median',
      `${c.checkin_median_ms} ms`,
      `bare sharp thumbnail ${c.bare_sharp_median_ms} ms`,
      paired(c),
      `≤ 1.3×: ${verdict(c.ratio <= 1.3)}`,
    ],
    [
      'Check-in as the desk sends it (FormData + fetch), median',
      `${c.desk_median_ms} ms`,
      `bare sharp thumbnail ${c.bare_sharp_median_ms} ms`,
      paired(c.desk),
      `≤ 1.5×: ${verdict(c.desk.ratio <= 1.5)}`,
    ],
    [
      'Check-in service in-process (no HTTP), median',
      `${c.service_median_ms} ms`,
      `bare sharp thumbnail ${c.bare_sharp_median_ms} ms`,
      paired(c.service),
      '',
    ],
    [
      'Check-ins per second, 1 / 2 / 8 clients',
      `${c.per_second.clients_1} / ${c.per_second.clients_2} / ${c.per_second.clients_8}`,
      '',
      '',
      '',
    ],
    [
      'Server peak RSS through the check-ins (8 at once at the end)',
      `${c.server_peak_rss_mib} MiB`,
      '',
      '',
      `< 200 MiB: ${verdict(c.server_peak_rss_mib < 200)}`,
    ],
  ];
}

function deskLoadRows(d: DeskLoadResult): Row[] {
  return [
    [
      `${d.clients} desks at once for ${d.seconds} s: requests (check-ins), failed, lost writes, p50 / p99`,
      `${d.requests} (${d.byKind['check-in'] ?? 0}), ${d.failed}, ${d.lostWrites}, ${d.p50Ms} / ${d.p99Ms} ms`,
      '',
      '',
      `none failed or lost: ${verdict(d.failed === 0 && d.lostWrites === 0)}`,
    ],
    [
      `Server peak RSS under the ${d.clients}-desk load`,
      `${d.peakRssMiB} MiB`,
      '',
      '',
      `< 200 MiB: ${verdict(d.peakRssMiB < 200)}`,
    ],
  ];
}

/** A ratio paired round by round (lib.ts pairedRatio), with the middle half of the rounds' ratios. */
function paired(figure: PairedRatio): string {
  const [lower, upper] = figure.ratio_middle_half;
  return `${figure.ratio}× (middle half ${lower}–${upper}×)`;
}

function servingRows(s: ServingResult): Row[] {
  return [
    [
      'Thumbnails, req/s (32 connections)',
      `${s.thumb.ours.requests_per_second}`,
      `readFile server ${s.thumb.floor.requests_per_second}; from memory ${s.thumb.ceiling.requests_per_second}`,
      `${paired(s.thumb)} (${s.thumb.ceiling_ratio}× of memory)`,
      `≥ 0.8× readFile: ${verdict(s.thumb.ratio >= 0.8)}`,
    ],
    [
      'Thumbnails, p50 / p99',
      `${s.thumb.ours.p50_ms} / ${s.thumb.ours.p99_ms} ms`,
      `${s.thumb.floor.p50_ms} / ${s.thumb.floor.p99_ms} ms`,
      '',
      `p99 < 10 ms: ${verdict(s.thumb.ours.p99_ms < 10)}`,
    ],
    [
      'Thumbnails by signed URL (the desk’s `<img src>`), req/s; p50 / p99',
      `${s.thumb_signed.ours.requests_per_second}; ${s.thumb_signed.ours.p50_ms} / ${s.thumb_signed.ours.p99_ms} ms`,
      `readFile server ${s.thumb.floor.requests_per_second}`,
      paired(s.thumb_signed),
      `≥ 0.8× readFile, p99 < 10 ms: ${verdict(s.thumb_signed.ratio >= 0.8 && s.thumb_signed.ours.p99_ms < 10)}`,
    ],
    [
      'Run valid: the in-memory ceiling above twice the readFile floor in most rounds (else the generator was the limit)',
      `${s.valid ? 'valid' : '**INVALID**'}`,
      `wrk, 1 thread, 32 connections${s.pinned ? '; servers on core 0, wrk on core 1' : ', unpinned (one core)'}`,
      paired(s.ceiling_over_floor),
      'lower end of the middle half > 2×',
    ],
    ...(
      [
        ['Log first page (50 visitors)', s.log_page],
        ['Log search of a common prefix (`jo`)', s.log_search],
      ] as const
    ).map(([what, figures]): Row => [
      `${what}, req/s; p99 (32 connections)`,
      `${figures.ours.requests_per_second}; ${figures.ours.p99_ms} ms`,
      `same statement + JSON.stringify in node:http ${figures.floor.requests_per_second}; ${figures.floor.p99_ms} ms`,
      paired(figures),
      `≥ 0.7×: ${verdict(figures.ratio >= 0.7)}`,
    ]),
    [
      'Full photos, req/s (32 connections)',
      `${s.full.ours.requests_per_second}`,
      `readFile server ${s.full.floor.requests_per_second}; from memory ${s.full.ceiling.requests_per_second}`,
      `${paired(s.full)} (${s.full.ceiling_ratio}× of memory)`,
      '',
    ],
    [
      'Full photos, p50 / p99',
      `${s.full.ours.p50_ms} / ${s.full.ours.p99_ms} ms`,
      `${s.full.floor.p50_ms} / ${s.full.floor.p99_ms} ms`,
      '',
      '',
    ],
    [
      'Full photos with each view audited vs the same server without, req/s',
      `${s.audit.audited.requests_per_second}`,
      `unaudited ${s.audit.unaudited.requests_per_second}`,
      paired(s.audit),
      `≥ 0.9×: ${verdict(s.audit.ratio >= 0.9)}`,
    ],
    [
      'Views on the trail after the run / full photos counted as served (the trail also has those answered as the run stopped)',
      `${s.audit.entries_written}`,
      `${s.audit.views_served}`,
      '',
      `none lost: ${verdict(s.audit.entries_written >= s.audit.views_served)}`,
    ],
    [
      'Server peak RSS while serving',
      `${s.server_peak_rss_mib} MiB`,
      `static server ${s.floor_peak_rss_mib} MiB`,
      '',
      `< 200 MiB: ${verdict(s.server_peak_rss_mib < 200)}`,
    ],
  ];
}

function logRows(l: LogScalingResult): Row[] {
  const largest = l.sizes.at(-1)!;
  return [
    ...LOG_QUERIES.map((key) => [
      `Log ${key.replace(/_ms$/, '').replace(/_/g, ' ')} at ${l.sizes.map((x) => x.visitors.toLocaleString('en')).join(' / ')}`,
      l.sizes.map((x) => `${x[key]} ms`).join(' / '),
      '',
      `${l.growth[key]}×`,
      `≤ 1.5× and < 10 ms: ${verdict((l.growth[key] ?? 99) <= 1.5 && largest[key] < 10)}`,
    ]),
    [
      'Server peak RSS with the largest log open',
      `${largest.server_peak_rss_mib} MiB`,
      '',
      '',
      `< 200 MiB: ${verdict(largest.server_peak_rss_mib < 200)}`,
    ],
    [
      `CSV export of the whole log at ${l.sizes.map((x) => x.visitors.toLocaleString('en')).join(' / ')} rows`,
      l.sizes
        .map(
          (x) => `${x.export.seconds} s (${x.export.rows_per_second.toLocaleString('en')} rows/s, ${x.export.mib} MiB)`,
        )
        .join(' / '),
      '',
      '',
      '',
    ],
    [
      'Server peak RSS by the end of the export (before it)',
      l.sizes.map((x) => `${x.export.peak_rss_mib} (${x.export.rss_before_mib}) MiB`).join(' / '),
      '',
      `${round(largest.export.peak_rss_mib - (l.sizes.at(-2) ?? largest).export.peak_rss_mib)} MiB more at the largest than at the size before`,
      `flat (< 32 MiB more for 10× the rows) and < 200 MiB: ${verdict(
        largest.export.peak_rss_mib - (l.sizes.at(-2) ?? largest).export.peak_rss_mib < 32 &&
          largest.export.peak_rss_mib < 200,
      )}`,
    ],
    [
      'A log page asked for during the export',
      l.sizes.map((x) => `${x.export.log_page_during_export_ms} ms`).join(' / '),
      '',
      '',
      '',
    ],
  ];
}

function gridRows(g: GridResult): Row[] {
  return [
    [
      'Grid first screen: thumbnail / full-photo requests',
      `${g.thumb_requests_first_screen} / ${g.full_requests_first_screen}`,
      `${g.visible_cards} cards visible, ${g.rendered_cards} rendered`,
      '',
      `0 full, thumbs ≤ visible + a row each side: ${verdict(g.full_requests_first_screen === 0 && g.thumb_requests_first_screen <= g.rendered_cards)}`,
    ],
    [
      `Grid: log data → first row of thumbnails decoded (median of ${g.first_row_samples_ms.length} fresh loads)`,
      `${g.ms_from_log_data_to_first_row_visible} ms (${g.first_row_samples_ms.join(', ')})`,
      '',
      '',
      `≤ 250 ms: ${verdict(g.ms_from_log_data_to_first_row_visible <= 250)}`,
    ],
    [
      'Grid: thumbnails by <img src> from signed URLs; the same screen again: thumbnails asked of the server / from the HTTP cache',
      `${g.thumbnails_native ? 'yes' : 'no'}; ${g.second_visit_thumb_requests_to_server} / ${g.second_visit_thumbs_from_cache}`,
      '',
      '',
      `native, and 0 asked again (some from the cache): ${verdict(g.thumbnails_native && g.second_visit_thumb_requests_to_server === 0 && g.second_visit_thumbs_from_cache > 0)}`,
    ],
    [
      `History scrolled to the end of ${g.visitors.toLocaleString('en')} visitors (${g.history_cards_held.toLocaleString('en')} held)`,
      `${g.history_dom_nodes_after_scroll_to_end} DOM nodes, ${g.history_js_heap_mib_after_scroll_to_end} MiB JS heap`,
      '',
      '',
      '',
    ],
  ];
}

function interfaceRows(i: InterfaceResult): Row[] {
  if ('skipped' in i) return [['The desk before and after the storage interface', 'not measured', i.skipped, '', '']];
  const percent = (change: number): string => `${change > 0 ? '+' : ''}${round(change * 100, 1)} %`;
  const spread = ([lower, upper]: [number, number]): string => `middle half ${percent(lower)} to ${percent(upper)}`;
  const row = (figure: string, f: PathFigures, unit: string): Row => [
    `${figure}: with the storage interface (${i.builds.interface}) / now`,
    `${f.interface} / ${f.now} ${unit}`,
    `before it (${i.builds.before}, two processes) ${f.before} ${unit}; the one against the other ${percent(f.control_change)} (${spread(f.control_change_iqr)})`,
    `${percent(f.interface_change)} (${spread(f.interface_change_iqr)}) / ${percent(f.now_change)} (${spread(f.now_change_iqr)})`,
    `≤ +5 %: ${verdict(f.interface_change <= 0.05)} / ${verdict(f.now_change <= 0.05)}`,
  ];
  const load = `${i.rounds} runs of ${i.seconds_per_run} s each, ${i.visitors.toLocaleString('en')} visitors`;
  return [
    row(`Log page (50), server CPU per request, ${load}`, i.log_page_cpu_us, 'µs'),
    row('Log search (5 prefixes in turn), server CPU per request', i.search_cpu_us, 'µs'),
    row('Signed thumbnails, server CPU per request', i.thumb_cpu_us, 'µs'),
    row(`Check-in of a 1280 × 960 webcam frame, median of ${i.check_ins_each} each`, i.check_in_ms, 'ms'),
  ];
}

function attackRows(a: AttackResult): Row[] {
  return [
    [
      `Thumbnail while ${a.flood_sign_ins} wrong sign-ins are in flight, median`,
      `${a.thumb_during_flood_median_ms} ms`,
      `quiet ${a.thumb_quiet_median_ms} ms`,
      '',
      '',
    ],
    ...Object.entries(a.upload_peak_rss_mib).map(([format, mib]) => [
      `Server peak RSS, ${a.concurrent_uploads} concurrent worst-case ${format} uploads`,
      `${mib} MiB`,
      `answers: ${a.upload_statuses[format]}`,
      '',
      `< 200 MiB: ${verdict(mib < 200)}`,
    ]),
  ];
}

function replicationRows(r: ReplicationResult): string[][] {
  const c = r.catch_up;
  return [
    [
      `two desks: check-in to the other desk's open screen (${r.lag_ms.samples} check-ins)`,
      `median ${r.lag_ms.median} ms, p95 ${r.lag_ms.p95} ms, p99 ${r.lag_ms.p99} ms, max ${r.lag_ms.max} ms`,
      '',
      '',
      `< 2 s: ${verdict(r.lag_ms.max < 2000)}`,
    ],
    [
      `a desk back on after ${c.visitors} check-ins with 12 MP photos elsewhere (server start included)`,
      `${c.seconds} s (${c.visitors_per_second} visitors/s), peak RSS ${c.peak_rss_mib} MiB`,
      '',
      '',
      '',
    ],
    [
      `its photos (${c.photo_mb} MB, originals and thumbnails), fetched desk to desk`,
      `${c.mb_per_second} MB/s`,
      `${r.tls_floor.mb_per_second} MB/s (the same files over TLS, one request each)`,
      `${round(c.mb_per_second / r.tls_floor.mb_per_second, 2)}`,
      '',
    ],
  ];
}

function notifyRows(n: NotifyResult): string[][] {
  return [
    [
      `check-in for a host with e-mail, the mail server taking ${n.smtp_delay_ms / 1000} s a message (${n.rounds} rounds)`,
      `${n.on_median_ms} ms (${n.mails_received_by_end} of ${n.notices_written} mails accepted by the end)`,
      `${n.off_median_ms} ms (a desk without e-mail)`,
      `${n.ratio}×`,
      `≤ 1.05×: ${verdict(n.ratio <= 1.05)}`,
    ],
  ];
}

function companyRows(c: CompanyResult): string[][] {
  if ('skipped' in c) return [['company server (PostgreSQL)', `not measured: ${c.skipped}`, '', '', '']];
  const { load, search } = c;
  const figures = (x: CompanyLoad) =>
    `${x.requests_per_second} req/s, p50 ${x.p50_ms} ms, p99 ${x.p99_ms} ms, ${x.check_ins} check-ins, peak RSS ${x.instances_peak_rss_mib.join(' + ')} MiB`;
  const loadRow = (what: string, x: CompanyLoad): string[] => [
    `50 desks for ${load.seconds} s (median of ${load.rounds}): ${what}`,
    figures(x),
    `${load.desk.requests_per_second} req/s (a desk, SQLite)`,
    `${round(x.requests_per_second / load.desk.requests_per_second, 2)}`,
    '',
  ];
  const at = `at ${search.visitors.toLocaleString('en')} visitors on PostgreSQL`;
  return [
    [`50 desks for ${load.seconds} s (median of ${load.rounds}): a desk (SQLite)`, figures(load.desk), '', '', ''],
    loadRow('one company server instance (PostgreSQL)', load.one_instance),
    loadRow('two instances on one database, desks shared between them', load.two_instances),
    ...LOG_QUERIES.map((key) => [
      `Log ${key.replace(/_ms$/, '').replace(/_/g, ' ')} ${at}`,
      `${search[key]} ms`,
      '',
      '',
      key.startsWith('search') ? `< 50 ms: ${verdict(search[key] < 50)}` : '',
    ]),
    [
      `CSV export ${at}`,
      `${search.export.seconds} s (${search.export.rows_per_second.toLocaleString('en')} rows/s), peak RSS ${search.export.peak_rss_mib} MiB`,
      '',
      '',
      '',
    ],
  ];
}

function sitesRows(s: SitesResult): string[][] {
  if ('skipped' in s) return [['sites on a company server', `not measured: ${s.skipped}`, '', '', '']];
  return s.runs.flatMap((run) => {
    const size = `${run.sites} sites × ${run.desks_per_site} desks`;
    const cpu = (c: CpuShares) =>
      `CPU: company ${c.company} %, desks ${c.desks} %, PostgreSQL ${c.postgres} % (${c.machine_percent} % of the machine)`;
    const m = run.morning;
    return [
      [
        `${size}, idle (${run.desks_heard} desks heard from, set up in ${run.setup_seconds} s)`,
        `${cpu(run.idle.cpu)}; company ${run.idle.company_percent_per_desk} % of a core per desk, answering in ${run.idle.answer_ms.median} ms (p99 ${run.idle.answer_ms.p99} ms)`,
        '',
        '',
        '',
      ],
      [
        `${size}, a busy morning (${m.offered_per_second} check-ins/s offered for ${m.seconds} s)`,
        `${m.check_ins} check-ins (${m.failed} failed), ${m.reached_per_second}/s reached head office; lag median ${m.lag_ms.median} ms, p95 ${m.lag_ms.p95} ms, p99 ${m.lag_ms.p99} ms, max ${m.lag_ms.max} ms, ${m.lag_ms.missing} missing; ${cpu(m.cpu)}; company answering in ${m.answer_ms.median} ms (p99 ${m.answer_ms.p99} ms); peak RSS company ${run.peak_rss_mib.company} MiB, ${run.peak_rss_mib.per_desk} MiB a desk`,
        'the 1 s asking interval',
        '',
        `p99 ≤ 2 s: ${verdict(m.lag_ms.p99 <= 2000 && m.lag_ms.missing === 0)}; saturates first: ${run.saturates_first}`,
      ],
    ];
  });
}

/** The table for BENCHMARKS.md: each figure beside its floor and its target. */
export function toMarkdown(r: BenchResults): string {
  const rows = [
    ...(r.check_in ? checkInRows(r.check_in) : []),
    ...(r.serving ? servingRows(r.serving) : []),
    ...(r.log_scaling ? logRows(r.log_scaling) : []),
    ...(r.grid ? gridRows(r.grid) : []),
    ...(r.interface ? interfaceRows(r.interface) : []),
    ...(r.desk_load ? deskLoadRows(r.desk_load) : []),
    ...(r.attacks ? attackRows(r.attacks) : []),
    ...(r.replication ? replicationRows(r.replication) : []),
    ...(r.notify ? notifyRows(r.notify) : []),
    ...(r.company ? companyRows(r.company) : []),
    ...(r.sites ? sitesRows(r.sites) : []),
  ];
  const table = [
    '| figure | Frontdesk | floor | ratio | target |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  const m = r.machine;
  return [
    `Run ${r.date} (${r.mode}, ${r.seconds} s) on ${m.cpus} × ${m.cpu_model}, ${m.memory_gib} GiB, Node ${m.node}, ${m.platform}.`,
    '',
    'A ratio with a middle half is the median of the rounds’ own ratios (a figure against its floor in the same round), ' +
      'so it need not be the quotient of the two medians beside it.',
    '',
    ...table,
    '',
  ].join('\n');
}
