// Taskforge console: the form that creates a task (on /tasks, and a subtask on a task's page).
import { h, field, select } from './dom.js';

const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** A create form; submit(body, button) gets the API's TaskInput. */
export function taskForm(projects, submit, { parentId = null, projectId = '' } = {}) {
  const form = h('form', { class: 'task-form', id: parentId ? 'subtask-form' : 'task-form' },
    field('Title', h('input', { name: 'title', required: true, maxlength: 500 })),
    field('Prompt', h('textarea', { name: 'prompt', required: true, rows: 4 })),
    h('div', { class: 'row-fields' },
      field('Project', select('projectId', [['', 'none'], ...projects.map((p) => [p.id, p.name])], projectId)),
      field('Priority', select('priority', PRIORITIES, 'MEDIUM')),
      field('Tags', h('input', { name: 'tags', placeholder: 'comma, separated' })),
      field('Executor', h('input', { name: 'executor', placeholder: 'server default' })),
      field('Scheduled start', h('input', { name: 'scheduledAt', type: 'datetime-local' }), 'empty: as soon as possible')),
    field('Depends on', h('input', { name: 'dependsOn', placeholder: 'task ids, comma separated' }), 'starts after these complete'),
    h('button', { type: 'submit' }, parentId ? 'Add subtask' : 'Create task'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { title: form.elements.title.value.trim(), prompt: form.elements.prompt.value, priority: form.elements.priority.value };
    if (form.elements.projectId.value) body.projectId = form.elements.projectId.value;
    if (parentId) body.parentId = parentId;
    const tags = form.elements.tags.value.split(',').map((t) => t.trim()).filter(Boolean);
    if (tags.length) body.tags = tags;
    if (form.elements.executor.value.trim()) body.config = { executor: form.elements.executor.value.trim() };
    if (form.elements.scheduledAt.value) body.scheduledAt = new Date(form.elements.scheduledAt.value).toISOString();
    const deps = form.elements.dependsOn.value.split(/[\s,]+/).filter(Boolean);
    if (deps.length) body.dependsOn = deps.map((taskId) => ({ taskId }));
    submit(body, form.querySelector('button[type=submit]'));
  });
  return form;
}
