/*
 * Renders a coiommu summary document (the summary.json of a report, or the dashboard's
 * /api/summary) into the page: the scenario table, the charts, progress and top VMs.
 * The offline report and the live dashboard both call CoiommuCharts.render(doc); every value
 * goes into the page through textContent, never as markup, since scenario and VM names come
 * from a topic.
 */
(function () {
  'use strict';
  var MiB = 1024 * 1024;
  var GiB = 1024 * MiB;
  var charts = {};
  var chosenVm = null;
  /** Where a scenario that never notifies sits on the trade-off chart's log axis. */
  var ZERO_RATE = 0.1;

  function chart(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    if (!charts[id]) { charts[id] = echarts.init(el, null, {renderer: 'svg'}); }
    return charts[id];
  }

  /** [t, v / scale] pairs; on a log axis a zero has no place, so it becomes a gap. */
  function points(t, v, scale, log) {
    return t.map(function (x, i) {
      var y = v[i] / scale;
      return [x, log && y <= 0 ? null : y];
    });
  }

  function fmt(x, digits) {
    return Number(x).toLocaleString('en-US', {maximumFractionDigits: digits, minimumFractionDigits: digits});
  }

  function base(title, yName, log) {
    return {
      animation: false,
      title: {text: title, left: 'center', textStyle: {fontSize: 14}},
      tooltip: {trigger: 'axis', confine: true},
      legend: {type: 'plain', bottom: 0, textStyle: {fontSize: 11}},
      grid: {left: 80, right: 30, top: 45, bottom: 95},
      yAxis: {type: log ? 'log' : 'value', name: yName, nameTextStyle: {align: 'left'}}
    };
  }

  function timeChart(id, title, yName, series, log) {
    var c = chart(id);
    if (!c) { return; }
    var o = base(title, yName, log);
    o.xAxis = {type: 'value', name: 'trace time (s)', nameLocation: 'middle', nameGap: 28, scale: true,
      min: 'dataMin', max: 'dataMax'};
    o.series = series.map(function (s) {
      return {name: s.name, type: 'line', showSymbol: false, connectNulls: false, data: s.data};
    });
    c.setOption(o, true);
  }

  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  }

  function scenarioTable(doc) {
    var body = document.getElementById('scenario-rows');
    if (!body) { return; }
    body.textContent = '';
    doc.scenarios.forEach(function (s) {
      var f = s.fleet;
      var tr = document.createElement('tr');
      tr.dataset.scenario = s.scenario;
      cell(tr, s.label, 'label');
      cell(tr, s.scenario, 'spec');
      var figures = [
        ['peak_pinned_mib', fmt(f.peak_pinned_bytes / MiB, 1)],
        ['peak_pinned_pct', fmt(f.peak_pinned_pct, 2)],
        ['avg_pinned_mib', fmt(f.avg_pinned_bytes / MiB, 1)],
        ['avg_pinned_pct', fmt(f.avg_pinned_pct, 2)],
        ['notifications', String(f.notifications)],
        ['notifications_per_s', fmt(f.notifications_per_s, 1)],
        ['exits', String(f.exits)],
        ['map_calls_no_exit_pct', fmt(f.map_calls_no_exit_pct, 1)],
        ['balloon_refused_mib', fmt(f.balloon_refused_bytes / MiB, 1)],
        ['cpu_cost_ms_per_s', fmt(f.cpu_cost_ns_per_s / 1e6, 3)],
        ['min_reclaimable_gib', fmt(f.min_reclaimable_bytes / GiB, 2)],
        ['dma_safety_violations', String(f.dma_safety_violations)]
      ];
      figures.forEach(function (kv) {
        var td = cell(tr, kv[1], 'num');
        td.dataset.field = kv[0];
        if (kv[0] === 'dma_safety_violations' && f.dma_safety_violations > 0) { td.className += ' bad'; }
      });
      body.appendChild(tr);
    });
  }

  function progress(doc) {
    var el = document.getElementById('progress');
    if (!el) { return; }
    var p = doc.progress;
    el.textContent = p.records + ' results, ' + p.vm_runs_complete + ' of ' + Math.max(p.vm_runs, p.expected_vm_runs) +
      ' (scenario, VM) runs complete, ' + fmt(p.trace_s, 1) + ' s of trace time' +
      (p.contract_violations > 0 ? ', ' + p.contract_violations + ' contract violations' : '') +
      (p.undecodable_results > 0 ? ', ' + p.undecodable_results + ' undecodable results' : '');
    el.dataset.records = p.records;
    var cost = document.getElementById('cost-model');
    if (cost) { cost.textContent = 'CPU cost model: ' + doc.cost_model; }
  }

  /**
   * A live run ranks VMs by what they pin now (then by peak) and says whether each is still running; a finished
   * run has released every page, so "now" would read 0 everywhere: it ranks by peak and shows no "now" column.
   */
  function topVms(doc) {
    var body = document.getElementById('top-rows');
    if (!body) { return; }
    var finished = doc.progress.finished;
    var title = document.getElementById('top-title');
    if (title) {
      title.textContent = finished ? 'Top VMs by peak pinned memory, run finished (5 per scenario)'
        : 'Top VMs by pinned memory now, then by peak, run live (5 per scenario)';
    }
    var head = document.getElementById('top-head');
    if (head) {
      head.textContent = '';
      (finished ? ['scenario', 'VM', 'host', 'peak MiB', 'peak % of guest']
        : ['scenario', 'VM', 'host', 'pinned MiB now', 'peak MiB', 'now % of guest', 'state'])
        .forEach(function (h) { head.appendChild(document.createElement('th')).textContent = h; });
    }
    body.textContent = '';
    doc.scenarios.forEach(function (s) {
      s.top_vms.slice(0, 5).forEach(function (v) {
        var tr = document.createElement('tr');
        cell(tr, s.label, 'label');
        cell(tr, v.vm);
        cell(tr, v.host);
        if (finished) {
          cell(tr, fmt(v.peak_pinned_bytes / MiB, 1), 'num').dataset.field = 'peak_mib';
          cell(tr, fmt(100 * v.peak_pinned_bytes / Math.max(1, v.guest_bytes), 2), 'num');
        } else {
          cell(tr, fmt(v.pinned_bytes / MiB, 1), 'num').dataset.field = 'pinned_mib';
          cell(tr, fmt(v.peak_pinned_bytes / MiB, 1), 'num');
          cell(tr, fmt(100 * v.pinned_bytes / Math.max(1, v.guest_bytes), 2), 'num');
          cell(tr, v.complete ? 'done' : 'running');
        }
        body.appendChild(tr);
      });
    });
  }

  function vmChooser(doc) {
    var select = document.getElementById('vm-choice');
    var names = {};
    doc.scenarios.forEach(function (s) { Object.keys(s.vm_series).forEach(function (v) { names[v] = true; }); });
    var vms = Object.keys(names).sort();
    if (chosenVm === null || vms.indexOf(chosenVm) < 0) { chosenVm = doc.chosen_vm || vms[0] || null; }
    if (select) {
      if (select.options.length !== vms.length) {
        select.textContent = '';
        vms.forEach(function (v) {
          var o = document.createElement('option');
          o.value = v;
          o.textContent = v;
          select.appendChild(o);
        });
        select.onchange = function () { chosenVm = select.value; vmChart(window.CoiommuCharts.last); };
      }
      select.value = chosenVm;
    }
  }

  function vmChart(doc) {
    var series = [];
    doc.scenarios.forEach(function (s) {
      var v = s.vm_series[chosenVm];
      if (v) { series.push({name: s.label, data: points(v.window_start_s, v.avg_pinned_bytes, MiB, true)}); }
    });
    timeChart('chart-vm-pinned', 'Pinned memory of VM ' + chosenVm + ' (log scale)', 'MiB', series, true);
  }

  function barChart(id, title, yName, categories, series, log) {
    var c = chart(id);
    if (!c) { return; }
    var o = base(title, yName, log);
    o.tooltip = {trigger: 'axis', axisPointer: {type: 'shadow'}, confine: true};
    // Long scenario labels break at their spaces and commas instead of being cut.
    o.xAxis = {type: 'category', data: categories, axisLabel: {interval: 0, fontSize: 10, lineHeight: 12,
      formatter: function (v) { return String(v).replace(/ /g, '\n').replace(/,/g, ',\n'); }}};
    o.grid.bottom = 120;
    o.series = series.map(function (s) { return {name: s.name, type: 'bar', data: s.data}; });
    c.setOption(o, true);
  }

  function render(doc) {
    window.CoiommuCharts.last = doc;
    scenarioTable(doc);
    progress(doc);
    topVms(doc);
    var scenarios = doc.scenarios;
    var labels = scenarios.map(function (s) { return s.label; });

    timeChart('chart-fleet-pinned', 'Fleet pinned memory over time, time-weighted per window (log scale)', 'MiB',
      scenarios.map(function (s) {
        return {name: s.label, data: points(s.series.window_start_s, s.series.avg_pinned_bytes, MiB, true)};
      }), true);

    vmChooser(doc);
    vmChart(doc);

    timeChart('chart-notifications', 'Fleet notifications per second of trace (log scale; a gap: none in that window)', 'per s',
      scenarios.map(function (s) {
        return {name: s.label, data: points(s.series.window_start_s, s.series.notifications_per_s, 1, true)};
      }), true);

    barChart('chart-peak-distribution', 'Peak pinned memory per VM across VMs (log scale)', 'MiB', labels,
      ['p50', 'p90', 'p99', 'max'].map(function (q) {
        return {name: q, data: scenarios.map(function (s) {
          var v = s.distributions.peak_pinned_bytes[q] / MiB;
          return v > 0 ? v : null;
        })};
      }), true);

    var hosts = {};
    scenarios.forEach(function (s) { s.hosts.forEach(function (h) { hosts[h.name] = true; }); });
    var hostNames = Object.keys(hosts).sort();
    barChart('chart-headroom', 'Overcommit headroom per host: guest memory - peak pinned', 'GiB',
      hostNames, scenarios.map(function (s) {
        return {name: s.label, data: hostNames.map(function (h) {
          var g = s.hosts.filter(function (x) { return x.name === h; })[0];
          return g ? g.min_reclaimable_bytes / GiB : null;
        })};
      }), false);

    localityChart(doc);

    var c = chart('chart-tradeoff');
    if (c) {
      var o = base('Trade-off: avg pinned memory vs notifications/s (log-log; 0/s drawn at ' + ZERO_RATE + ')',
        'avg pinned MiB', true);
      o.tooltip = {trigger: 'item', confine: true, formatter: function (p) {
        return p.data.spec + '<br>' + fmt(p.data.value[0], 1) + ' notifications/s, ' + fmt(p.data.value[1], 1) + ' MiB';
      }};
      o.xAxis = {type: 'log', name: 'notifications per second', nameLocation: 'middle', nameGap: 28};
      // One series per scenario: the legend names the points, in the same colours as the other charts,
      // where labels on points that sit close together would overwrite each other.
      o.series = scenarios.map(function (s) {
        return {name: s.label, type: 'scatter', symbolSize: 12, itemStyle: {opacity: 0.75}, data: [{spec: s.scenario.replace(/[<>&]/g, ''),
          value: [Math.max(s.fleet.notifications_per_s, ZERO_RATE), Math.max(s.fleet.avg_pinned_bytes / MiB, 1e-3)]}]};
      });
      c.setOption(o, true);
    }
  }

  /** Share of remaps within t of the unmap: how long lazy unpinning should wait. Absent without trace events. */
  function localityChart(doc) {
    var c = chart('chart-locality');
    if (!c) { return; }
    var l = doc.dma_temporal_locality;
    var o = base(l ? 'DMA temporal locality: time from a page\'s unmap to its next map'
      : 'DMA temporal locality: no trace events were read', 'share of remaps within t', false);
    if (l) {
      o.title.subtext = l.remaps + ' remaps; p50 ' + fmt(l.p50_ms, 3) + ' ms, p90 ' + fmt(l.p90_ms, 3) + ' ms, p99 ' +
        fmt(l.p99_ms, 1) + ' ms; ' + l.never_remapped_pages + ' pages never remapped' +
        (l.page_sample_rate < 1 ? '; estimated from 1 in ' + Math.round(1 / l.page_sample_rate) + ' pages' : '');
      o.grid.top = 70;
    }
    o.legend = {show: false};
    o.xAxis = {type: 'log', name: 'time since the unmap (ms, log)', nameLocation: 'middle', nameGap: 28};
    o.yAxis.max = 1;
    o.yAxis.min = 0;
    o.series = l ? [{name: 'remaps', type: 'line', step: 'end', showSymbol: true, symbolSize: 4,
      data: l.cdf_ms.map(function (t, i) { return [t, l.cdf_share[i]]; })}] : [];
    o.grid.bottom = 60;
    c.setOption(o, true);
  }

  window.CoiommuCharts = {render: render, last: null};
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
})();
