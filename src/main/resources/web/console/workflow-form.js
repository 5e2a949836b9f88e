// Taskforge console: the workflow forms — a new workflow with its steps (with the graph drawn as it
// is typed), and starting a run with a context. The API's 400s name a field (steps[1].dependsOn):
// the message is shown next to the control it names.
import { api, json } from './api.js';
import { h, fill, field, select, toast, act } from './dom.js';
import { dagSvg } from './workflow-dag.js';

const ON_ERROR = ['FAIL', 'CONTINUE', 'RETRY'];

/** Reads a JSON object from a textarea; empty is undefined; throws with the field's name. */
function jsonObject(text, name) {
  if (!text.trim()) return undefined;
  let value;
  try { value = JSON.parse(text); } catch (err) { throw fieldError(name, 'not JSON: ' + err.message); }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fieldError(name, 'must be a JSON object');
  return value;
}

function fieldError(field, message) {
  return Object.assign(new Error(message), { field });
}

/** Clears the messages shown next to a form's controls. */
function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((c) => { c.removeAttribute('aria-invalid'); c.removeAttribute('aria-describedby'); });
}

let errors = 0;
/** Shows a message next to a control (or at the end of a container), named by aria-describedby; focuses it. */
function showError(target, message) {
  const id = 'field-error-' + (++errors);
  const note = h('p', { class: 'error field-error', id, role: 'alert' }, message);
  if (target.matches('input, select, textarea')) {
    target.setAttribute('aria-invalid', 'true');
    target.setAttribute('aria-describedby', id);
    target.closest('.field').after(note);
    target.focus();
  } else {
    target.appendChild(note);
    target.focus?.();
  }
}

/**
 * A form for a new workflow; onCreated(workflow) after the API accepted it. The steps editor is one
 * fieldset per step (key, name, title, prompt, depends on, on error, a condition as JSON).
 */
export function workflowForm(onCreated) {
  const stepList = h('div', { id: 'step-editor', class: 'step-editor', tabindex: '-1' });
  const preview = h('div', { id: 'step-preview', class: 'dag-box', 'aria-live': 'off' });
  const general = h('div', { id: 'workflow-form-error' });
  const form = h('form', { id: 'workflow-form', class: 'workflow-form', novalidate: true },
    h('div', { class: 'row-fields' },
      field('Name', h('input', { name: 'name', required: true, maxlength: 200 })),
      field('Description', h('input', { name: 'description', maxlength: 20000, size: 40 }))),
    h('fieldset', { class: 'steps-fieldset' }, h('legend', {}, 'Steps'), stepList,
      h('div', { class: 'toolbar' }, h('button', { type: 'button', id: 'add-step', onclick: () => { addStep(); focusLast(); } }, 'Add a step'))),
    h('details', { class: 'preview' }, h('summary', {}, 'Graph preview'), preview),
    general,
    h('button', { type: 'submit', id: 'workflow-create' }, 'Create workflow'));

  function focusLast() {
    const rows = stepList.querySelectorAll('.step-row');
    rows[rows.length - 1]?.querySelector('input[name=key]').focus();
  }

  function renumber() {
    [...stepList.querySelectorAll('.step-row')].forEach((row, i) => {
      row.dataset.index = i;
      row.querySelector('legend').textContent = `Step ${i + 1}`;
      row.querySelector('.remove-step').setAttribute('aria-label', `Remove step ${i + 1}`);
    });
  }

  function addStep(values = {}) {
    const count = stepList.querySelectorAll('.step-row').length;
    const row = h('fieldset', { class: 'step-row' }, h('legend', {}),
      h('div', { class: 'row-fields' },
        field('Key', h('input', { name: 'key', required: true, pattern: '[A-Za-z0-9_.\\-]{1,100}', maxlength: 100, size: 12, value: values.key ?? `step${count + 1}` })),
        field('Name', h('input', { name: 'stepName', maxlength: 200, size: 16, value: values.name || '' })),
        field('Task title', h('input', { name: 'title', required: true, maxlength: 500, size: 24, value: values.title || '' })),
        field('Depends on', h('input', { name: 'dependsOn', size: 16, value: (values.dependsOn || []).join(', '), placeholder: 'keys, comma-separated' })),
        field('On error', select('onError', ON_ERROR, values.onError || 'FAIL'))),
      field('Prompt', h('textarea', { name: 'prompt', required: true, rows: 2 }, values.prompt || ''),
        'May read {{context.PATH}} and {{steps.KEY.result.summary}}.'),
      h('details', { class: 'condition' }, h('summary', {}, 'Condition (optional)'),
        field('Condition (JSON)', h('textarea', { name: 'condition', rows: 2, placeholder: '{"step": "tests", "status": "FAILED"}' }, values.condition ? JSON.stringify(values.condition) : ''))),
      h('button', { type: 'button', class: 'link remove-step', onclick: () => {
        if (stepList.querySelectorAll('.step-row').length === 1) { toast('A workflow needs at least one step', 'error'); return; }
        row.remove(); renumber(); drawPreview(); focusLast();
      } }, 'Remove'));
    stepList.appendChild(row);
    renumber();
    drawPreview();
    return row;
  }

  function keysOf(text) {
    return text.split(',').map((k) => k.trim()).filter(Boolean);
  }

  function drawPreview() {
    const steps = [...stepList.querySelectorAll('.step-row')].map((row) => ({
      key: row.querySelector('[name=key]').value.trim(), dependsOn: keysOf(row.querySelector('[name=dependsOn]').value),
      label: row.querySelector('[name=stepName]').value.trim() || row.querySelector('[name=title]').value.trim(),
    })).filter((s) => s.key);
    const unique = [...new Map(steps.map((s) => [s.key, s])).values()];
    fill(preview, unique.length ? dagSvg(unique, 'Preview of the step graph') : h('p', { class: 'muted' }, 'No steps.'));
  }
  let pending = null;
  stepList.addEventListener('input', (e) => {
    if (!['key', 'dependsOn', 'stepName', 'title'].includes(e.target.name)) return;
    clearTimeout(pending);
    pending = setTimeout(drawPreview, 250);
  });

  /** The body to send; a condition that is not JSON throws naming its field. */
  function body() {
    const el = form.elements;
    const steps = [...stepList.querySelectorAll('.step-row')].map((row, i) => {
      const value = (name) => row.querySelector(`[name=${name}]`).value;
      const step = { key: value('key').trim(), task: { title: value('title').trim(), prompt: value('prompt') }, onError: value('onError') };
      if (value('stepName').trim()) step.name = value('stepName').trim();
      const deps = keysOf(value('dependsOn'));
      if (deps.length) step.dependsOn = deps;
      const condition = jsonObject(value('condition'), `steps[${i}].condition`);
      if (condition) step.condition = condition;
      return step;
    });
    const result = { name: el.name.value.trim(), steps };
    if (el.description.value.trim()) result.description = el.description.value.trim();
    return result;
  }

  /** The control a field such as steps[1].task.title or steps[0].dependsOn[2] names, or the nearest container. */
  function controlFor(name) {
    if (!name) return general;
    if (name === 'name' || name === 'description') return form.elements[name];
    const step = /^steps\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?/.exec(name);
    if (!step) return name.startsWith('steps') ? stepList : general;
    const row = stepList.querySelectorAll('.step-row')[Number(step[1])];
    if (!row) return stepList;
    const part = step[2] === 'task' ? step[3] : step[2];
    const control = { key: 'key', name: 'stepName', title: 'title', prompt: 'prompt', dependsOn: 'dependsOn', onError: 'onError', condition: 'condition' }[part];
    if (control === 'condition') row.querySelector('details.condition').open = true;
    return (control && row.querySelector(`[name=${control}]`)) || row.querySelector('[name=prompt]');
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    fill(general);
    act(form.querySelector('#workflow-create'), async () => {
      let payload;
      try { payload = body(); } catch (err) { showError(controlFor(err.field), err.message); return; }
      const answer = await api('/api/workflows', json('POST', payload));
      if (answer.status !== 201) {
        const error = (answer.body && answer.body.error) || {};
        const message = error.message || `HTTP ${answer.status}`;
        showError(controlFor(error.field), error.field ? `${message} (${error.field})` : message);
        return;
      }
      toast('Created ' + answer.body.name);
      form.reset();
      fill(stepList);
      addStep();
      onCreated(answer.body);
    });
  });

  addStep();
  return form;
}

/** A form to start a run of a workflow (chosen by workflowId(), the context a JSON object); onStarted(run). */
export function runForm(workflowId, onStarted, extra = null) {
  const context = h('textarea', { name: 'context', rows: 2, placeholder: '{"branch": "main"}' });
  const form = h('form', { class: 'run-form', id: 'run-form' }, extra,
    field('Context (JSON, optional)', context, 'Read by the steps\' prompts as {{context.PATH}}.'),
    h('button', { type: 'submit', id: 'run-start' }, 'Start a run'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    act(form.querySelector('#run-start'), async () => {
      let ctx;
      try { ctx = jsonObject(context.value, 'context'); } catch (err) { showError(context, err.message); return; }
      const id = workflowId();
      if (!id) { toast('Choose a workflow', 'error'); return; }
      const answer = await api(`/api/workflows/${encodeURIComponent(id)}/runs`, json('POST', ctx ? { context: ctx } : {}));
      if (answer.status !== 201) {
        const error = (answer.body && answer.body.error) || {};
        showError(error.field && error.field.startsWith('context') ? context : form, error.message || `HTTP ${answer.status}`);
        return;
      }
      onStarted(answer.body);
    });
  });
  return form;
}

/** Runs a page's reads, at most `limit` at a time. */
export async function inBatches(items, limit, work) {
  const results = [];
  for (let i = 0; i < items.length; i += limit) results.push(...await Promise.all(items.slice(i, i + limit).map(work)));
  return results;
}
