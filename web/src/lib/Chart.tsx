/** A uPlot time-series chart with a text alternative (the data as a table for screen readers). */

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  color: string;
  values: (number | null)[];
}

export function Chart(props: { title: string; x: number[]; xLabels: string[]; series: Series[]; bars?: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current || props.x.length === 0) return;
    const bars = props.bars ? uPlot.paths.bars?.({ size: [0.6, 40] }) : undefined;
    const plot = new uPlot(
      {
        width: Math.max(320, host.current.clientWidth),
        height: 240,
        scales: { x: { time: true } },
        series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, fill: props.bars ? s.color + "88" : undefined, width: 2, paths: bars }))],
        axes: [{}, { size: 50 }],
      },
      [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData,
      host.current,
    );
    return () => plot.destroy();
  }, [props.x, props.series, props.bars]);
  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={host} aria-hidden="true" />
      <table className="sr-only">
        <caption>{props.title}</caption>
        <thead><tr><th scope="col">When</th>{props.series.map((s) => <th key={s.label} scope="col">{s.label}</th>)}</tr></thead>
        <tbody>
          {props.xLabels.map((label, i) => (
            <tr key={label}><td>{label}</td>{props.series.map((s) => <td key={s.label}>{s.values[i] ?? ""}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
