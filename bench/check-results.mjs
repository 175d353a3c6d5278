// The test suite runs `npm run bench -- --quick` to keep the harness working. This checks
// that the run produced every figure as a number; it says nothing about how fast they are.
import fs from 'node:fs';

const file = process.argv[2];
const results = JSON.parse(fs.readFileSync(file, 'utf8'));
const missing = [];
function walk(value, path) {
  if (value === null || value === undefined || Number.isNaN(value)) missing.push(path);
  else if (typeof value === 'object') for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`);
}
walk(results, 'results');
const required = [
  results.check_in?.checkin_median_ms,
  results.check_in?.desk_median_ms,
  results.check_in?.ratio,
  results.check_in?.desk?.ratio,
  results.check_in?.service?.ratio,
  results.serving?.thumb?.ratio,
  results.serving?.thumb_signed?.ratio,
  results.serving?.ceiling_over_floor?.ratio,
  results.serving?.thumb_signed?.ours?.requests_per_second,
  results.serving?.log_page?.ratio,
  results.serving?.log_search?.ratio,
  results.check_in?.bare_sharp_median_ms,
  results.check_in?.per_second?.clients_8,
  results.serving?.thumb?.ours?.requests_per_second,
  results.serving?.thumb?.floor?.requests_per_second,
  results.serving?.thumb?.ceiling?.requests_per_second,
  results.serving?.full?.ours?.p99_ms,
  results.serving?.audit?.ratio,
  results.serving?.server_peak_rss_mib,
  results.grid?.thumb_requests_first_screen,
  results.grid?.ms_from_log_data_to_first_row_visible,
  results.grid?.second_visit_thumb_requests_to_server,
  results.desk_load?.peakRssMiB,
  results.check_in?.server_peak_rss_mib,
  results.grid?.history_dom_nodes_after_scroll_to_end,
  results.log_scaling?.sizes?.[1]?.search_common_ms,
  results.log_scaling?.growth?.first_page_ms,
  results.log_scaling?.sizes?.[1]?.dated_old_ms,
  results.log_scaling?.sizes?.[1]?.returning_common_ms,
  results.log_scaling?.sizes?.[1]?.export?.peak_rss_mib,
  results.attacks?.thumb_during_flood_median_ms,
  results.attacks?.upload_peak_rss_mib?.bmp,
  results.replication?.lag_ms?.median,
  results.replication?.catch_up?.seconds,
  results.notify?.ratio,
];
// The company server's part needs the machine's PostgreSQL; without it the run says why instead.
if (typeof results.company?.skipped === 'string')
  console.log(`bench: company server not measured: ${results.company.skipped}`);
else
  required.push(
    results.company?.load?.two_instances?.requests_per_second,
    results.company?.load?.desk?.p99_ms,
    results.company?.search?.search_common_ms,
    results.company?.search?.export?.rows_per_second,
  );
// The build before the storage interface is made from git history; a copy without it says why instead.
if (typeof results.interface?.skipped === 'string')
  console.log(`bench: the desk before and after the storage interface not measured: ${results.interface.skipped}`);
else
  required.push(
    results.interface?.log_page_cpu_us?.interface_change,
    results.interface?.search_cpu_us?.now_change,
    results.interface?.thumb_cpu_us?.now_change,
    results.interface?.check_in_ms?.interface_change,
  );
if (typeof results.sites?.skipped === 'string') console.log(`bench: sites not measured: ${results.sites.skipped}`);
else
  required.push(
    results.sites?.runs?.[0]?.morning?.lag_ms?.p99,
    results.sites?.runs?.[0]?.idle?.company_percent_per_desk,
    results.sites?.runs?.[0]?.peak_rss_mib?.company,
  );
// Every desk of the quick simulation was heard from and every check-in reached the company server: the harness's own check.
if (
  results.sites?.runs?.some(
    (run) =>
      run.desks_heard !== run.sites * run.desks_per_site ||
      run.morning.check_ins === 0 ||
      run.morning.lag_ms.missing > 0,
  )
)
  missing.push('a sites run whose check-ins did not all reach the company server');
if (required.some((value) => typeof value !== 'number')) missing.push('a required figure is not a number');
if (missing.length > 0) {
  console.error(`bench: figures missing: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`bench: every figure present in ${file}`);
