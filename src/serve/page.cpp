#include "serve/page.h"

namespace nmt {

const std::string& page_html() {
  static const std::string page = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nmt: where the model looks</title>
<style>
  body { font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
  textarea { width: 100%; font-size: 1.1em; }
  fieldset { border: none; padding: 0; margin: 0.5em 0; }
  label { margin-right: 1em; }
  input[type=number] { width: 4em; }
  #error { color: #a00; }
  #hypotheses { padding-left: 1.5em; }
  #hypotheses li { cursor: pointer; padding: 0.2em; }
  #hypotheses li.chosen { background: #dde8f8; }
  .score { color: #777; font-size: 0.85em; margin-left: 0.5em; }
  #weight { min-height: 1.4em; font-family: monospace; }
  #picture svg rect.cell:hover { stroke: #e60; stroke-width: 2; }
  .pieces { font-family: monospace; color: #555; }
</style>
</head>
<body>
<h1>nmt</h1>
<form id="form">
  <textarea id="text" rows="3" placeholder="A sentence to translate"></textarea>
  <fieldset>
    <label>beam <input id="beam" type="number" min="1" max="100" value="5"></label>
    <label>n-best <input id="nbest" type="number" min="1" max="100" value="1"></label>
    <button id="submit" type="submit">Translate</button>
  </fieldset>
</form>
<p id="error"></p>
<ol id="hypotheses"></ol>
<p class="pieces" id="source-pieces"></p>
<p class="pieces" id="target-pieces"></p>
<div id="weight"></div>
<div id="picture"></div>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let nbest = [], sourcePieces = [];

function show(k) {
  const h = nbest[k];
  document.querySelectorAll("#hypotheses li").forEach((li, i) => li.classList.toggle("chosen", i === k));
  $("source-pieces").textContent = "source: " + sourcePieces.join(" ");
  $("target-pieces").textContent = "target: " + h.target_pieces.join(" ");
  $("picture").innerHTML = h.picture;
  $("weight").textContent = "";
  // Each cell's <title> reads "source → target: weight"; hovering shows it here too.
  $("picture").querySelectorAll("rect.cell").forEach((cell) => {
    cell.addEventListener("mouseenter", () => {
      const title = cell.querySelector("title");
      $("weight").textContent = title ? title.textContent : "";
    });
  });
}

async function translate() {
  $("error").textContent = "";
  const body = {text: [$("text").value], beam: Number($("beam").value),
                nbest: Number($("nbest").value), picture: true};
  let answer;
  try {
    const response = await fetch("/translate", {method: "POST", body: JSON.stringify(body),
                                                headers: {"Content-Type": "application/json"}});
    answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
  } catch (e) {
    $("error").textContent = String(e.message || e);
    return;
  }
  const t = answer.translations[0];
  nbest = t.nbest;
  sourcePieces = t.source_pieces;
  $("hypotheses").innerHTML = "";
  nbest.forEach((h, k) => {
    const li = document.createElement("li");
    li.className = "hypothesis";
    li.textContent = h.text;
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = h.score.toFixed(3);
    li.appendChild(score);
    li.addEventListener("click", () => show(k));
    $("hypotheses").appendChild(li);
  });
  if (nbest.length > 0) show(0);
  document.body.dataset.state = "translated";
}

$("form").addEventListener("submit", (e) => { e.preventDefault(); translate(); });
const given = new URLSearchParams(location.hash.slice(1)).get("text");
if (given !== null) {
  $("text").value = given;
  $("submit").click();
}
</script>
</body>
</html>
)html";
  return page;
}

}  // namespace nmt
