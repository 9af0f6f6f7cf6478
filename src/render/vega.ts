/**
 * Vega-Lite specs drawn headless: the spec compiled by `vega-lite`, laid out by `vega` with no renderer, written as
 * SVG; PNG from that SVG by resvg (a prebuilt native module, no browser, system fonts). Loaded on demand: a run
 * without plots never loads them.
 */

/** The SVG of a Vega-Lite spec whose data is inline. */
export async function vegaLiteSvg(spec: Readonly<Record<string, unknown>>): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  // A copy: vega tags inline data rows in place, and the display is frozen plain data that others still read.
  const copy = structuredClone(spec) as unknown as Parameters<typeof vl.compile>[0];
  const compiled = vl.compile(copy).spec;
  // No loader: a spec with a data URL must not make a run reach the network.
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`charts read inline data only (not ${uri})`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A PNG of an SVG document at `scale` times its size. */
export async function svgPng(svg: string, scale = 2): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}
