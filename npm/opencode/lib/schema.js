// Turns the JSON Schema that `plugin/describe` gives for a tool's input into
// the zod shape OpenCode's tool() takes. Only what that schema uses is
// covered (objects of strings, enums, booleans, numbers and arrays of
// those); anything else is accepted as unknown rather than guessed.

/**
 * @param {any} schema a JSON Schema object ({type: "object", properties})
 * @param {any} z zod (tool.schema from @opencode-ai/plugin)
 * @returns {Record<string, any>} a zod raw shape
 */
export function toZodShape(schema, z) {
  /** @type {Record<string, any>} */
  const shape = {};
  const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    let t = toZod(prop, z);
    if (!required.has(name)) t = t.optional();
    // zod keeps a description per wrapper: set it on the outer one too.
    if (typeof prop?.description === "string") t = t.describe(prop.description);
    shape[name] = t;
  }
  return shape;
}

/** @param {any} s @param {any} z */
function toZod(s, z) {
  let t;
  if (Array.isArray(s?.enum) && s.enum.length > 0 && s.enum.every((v) => typeof v === "string")) {
    t = z.enum(s.enum);
  } else {
    switch (s?.type) {
      case "string":
        t = z.string();
        break;
      case "boolean":
        t = z.boolean();
        break;
      case "integer":
        t = z.number().int();
        break;
      case "number":
        t = z.number();
        break;
      case "array":
        t = z.array(toZod(s.items, z));
        break;
      default:
        t = z.unknown();
    }
  }
  return typeof s?.description === "string" ? t.describe(s.description) : t;
}
