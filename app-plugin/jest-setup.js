// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom has no canvas. @grafana/ui measures text with a 2D context (Combobox menus) and draws
// graphs on one (TimeSeries/uPlot). This context accepts every drawing call and draws nothing;
// measureText returns a plausible width. What the charts show is asserted through their data and
// labels, never through pixels.
HTMLCanvasElement.prototype.getContext = function () {
  const state = { canvas: this };
  return new Proxy(state, {
    get(target, prop) {
      if (prop in target) {
        return target[prop];
      }
      if (prop === 'measureText') {
        return (text) => ({ width: String(text).length * 7, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 });
      }
      if (prop === 'getImageData' || prop === 'createImageData') {
        return () => ({ data: new Uint8ClampedArray(4) });
      }
      if (prop === 'createLinearGradient' || prop === 'createRadialGradient' || prop === 'createPattern') {
        return () => ({ addColorStop() {} });
      }
      return () => {};
    },
    set(target, prop, value) {
      target[prop] = value;
      return true;
    },
  });
};
global.Path2D =
  global.Path2D ??
  class Path2D {
    constructor() {
      return new Proxy(this, { get: (t, p) => (p in t ? t[p] : () => {}) });
    }
  };

// jsdom has no IntersectionObserver (Combobox's scroll indicators use it); the
// menus only need them to exist, not to report anything.
class NoopObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = global.IntersectionObserver ?? NoopObserver;

// jsdom does no layout, so every element measures 0×0 and Combobox's virtualised option list
// renders no rows. Give elements a small box, as Grafana's own Combobox tests do.
Element.prototype.getBoundingClientRect = function () {
  return { width: 120, height: 120, top: 0, left: 0, bottom: 0, right: 0, x: 0, y: 0, toJSON() {} };
};
// The virtual list (@tanstack/virtual-core) sizes its window from clientWidth/clientHeight of the
// scroll container and item offsets from offsetHeight.
for (const prop of ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth']) {
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => 120 });
}

// jsdom has no ResizeObserver (the charts' tooltip plugin observes the plot); nothing resizes here.
global.ResizeObserver = global.ResizeObserver ?? NoopObserver;
