/**
 * Buttons whose request is running are marked `aria-disabled="true"` instead of
 * `disabled`: a disabled button drops the keyboard focus (to the page), so an agent
 * working from the keyboard would lose their place on every press. One listener, in the
 * capture phase, swallows presses on them — clicks, Enter and Space (which the browser
 * turns into clicks), and a form's implicit submit from Enter in a field — so no
 * component has to guard its handler for it.
 */
export function guardBusyButtons(root: Document): () => void {
  const busy = (el: EventTarget | null): boolean => el instanceof Element && !!el.closest('button[aria-disabled="true"]');
  const onClick = (e: Event) => {
    if (!busy(e.target)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
  };
  const onSubmit = (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement | null;
    const submitter = e.submitter ?? form?.querySelector('button[type="submit"]') ?? null;
    if (!busy(submitter)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
  };
  root.addEventListener('click', onClick, true);
  root.addEventListener('submit', onSubmit, true);
  return () => {
    root.removeEventListener('click', onClick, true);
    root.removeEventListener('submit', onSubmit, true);
  };
}
