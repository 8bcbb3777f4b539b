// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom has no canvas. @grafana/ui's Combobox measures option text with a 2D context to size its
// menu; give it a context whose measureText returns a plausible width.
HTMLCanvasElement.prototype.getContext = () => ({
  measureText: (text) => ({ width: String(text).length * 7 }),
  font: '',
});

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
