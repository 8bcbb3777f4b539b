// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// Grafana's Combobox sizes its menu with canvas text metrics; jsdom has no canvas, and the
// scaffold's stub returns nothing. A fixed-width font is close enough for layout-free tests.
HTMLCanvasElement.prototype.getContext = () => ({ font: '', measureText: (text) => ({ width: text.length * 8 }) });

// Combobox menus watch visibility with IntersectionObserver, which jsdom lacks. Report every
// target as visible, as a browser would for a menu on screen.
class VisibleIntersectionObserver {
  constructor(callback) {
    this.callback = callback;
  }
  observe(target) {
    this.callback([{ target, isIntersecting: true, intersectionRatio: 1 }], this);
  }
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = VisibleIntersectionObserver;
