/** Tooltips get nodes, never markup: names (territories, customers, salesmen) are the organisation's data. */
export function tooltipText(text: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}
