// Fieldpost API docs: renders /api/v1/openapi.json into a readable page, offline, no inline code.
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  if (!root) { return; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function resolve(spec, schema) {
    var guard = 0;
    while (schema && schema.$ref && guard < 20) {
      var name = schema.$ref.split("/").pop();
      schema = (spec.components.schemas || {})[name];
      guard += 1;
    }
    return schema || {};
  }

  function describe(spec, schema, depth) {
    schema = resolve(spec, schema);
    if (depth > 3) { return el("code", {}, [schema.type || "object"]); }
    if (schema.type === "array") {
      return el("span", {}, ["array of ", describe(spec, schema.items || {}, depth + 1)]);
    }
    if (schema.properties) {
      var required = schema.required || [];
      var rows = Object.keys(schema.properties).map(function (name) {
        var prop = resolve(spec, schema.properties[name]);
        var notes = [];
        if (required.indexOf(name) >= 0) { notes.push("required"); }
        if (prop.format) { notes.push(prop.format); }
        if (prop["enum"]) { notes.push("one of: " + prop["enum"].join(", ")); }
        if (prop.nullable) { notes.push("may be null"); }
        if (prop.maxLength) { notes.push("max " + prop.maxLength + " chars"); }
        if (prop.description) { notes.push(prop.description); }
        return el("tr", {}, [
          el("td", {}, [el("code", {}, [name])]),
          el("td", {}, [describe(spec, prop, depth + 1)]),
          el("td", {}, [notes.join("; ")])
        ]);
      });
      return el("table", {}, [el("tbody", {}, rows)]);
    }
    return el("code", {}, [schema.type || "any"]);
  }

  function operation(spec, path, method, op) {
    var parts = [
      el("h3", {}, [el("span", {"class": "method " + method}, [method.toUpperCase()]), " ", el("code", {}, [path])]),
      el("p", {}, [op.summary || op.description || ""])
    ];
    var params = op.parameters || [];
    if (params.length) {
      parts.push(el("h4", {}, ["Parameters"]));
      parts.push(el("ul", {}, params.map(function (p) {
        var schema = p.schema || {};
        var extra = schema["enum"] ? " (one of: " + schema["enum"].join(", ") + ")" : "";
        return el("li", {}, [el("code", {}, [p.name]), " in " + p["in"] + (p.required ? ", required" : "") + ": " + (schema.type || "") + extra]);
      })));
    }
    var body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
    if (body) {
      parts.push(el("h4", {}, ["Request body (JSON)"]));
      parts.push(describe(spec, body.schema, 0));
    }
    Object.keys(op.responses || {}).forEach(function (status) {
      var response = op.responses[status];
      if (response.$ref) { response = spec.components.responses[response.$ref.split("/").pop()]; }
      var content = response.content && response.content["application/json"];
      parts.push(el("h4", {}, ["Response " + status]));
      if (content && content.schema && status !== "default") { parts.push(describe(spec, content.schema, 0)); }
      else { parts.push(el("p", {}, [response.description || ""])); }
    });
    return el("section", {"class": "operation"}, parts);
  }

  fetch(root.getAttribute("data-spec"), {credentials: "omit"})
    .then(function (response) { return response.json(); })
    .then(function (spec) {
      root.textContent = "";
      root.appendChild(el("p", {}, [(spec.info && spec.info.description) || ""]));
      var toc = el("ul", {"class": "toc"}, []);
      root.appendChild(toc);
      Object.keys(spec.paths).forEach(function (path) {
        Object.keys(spec.paths[path]).forEach(function (method) {
          if (method === "parameters") { return; }
          var op = spec.paths[path][method];
          var id = (method + path).replace(/[^a-zA-Z0-9]+/g, "-");
          var section = operation(spec, path, method, op);
          section.id = id;
          root.appendChild(section);
          toc.appendChild(el("li", {}, [el("a", {href: "#" + id}, [method.toUpperCase() + " " + path])]));
        });
      });
    })
    .catch(function () { root.textContent = "The OpenAPI document could not be loaded."; });
}());
