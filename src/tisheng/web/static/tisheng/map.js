// Draws every school map from the data the server wrote next to it (json_script) with the vendored
// Leaflet. Everything (colours, outlines, labels, who may see what) is decided in Python
// (tisheng.web.mapdata); this file only draws it. No tile layer unless the server names one.
(function () {
  "use strict";
  var GROUP_COLOURS = ["#2f5d8a", "#ca8622", "#6e4a9e", "#2e7d32", "#b7282e", "#3f8f8f", "#8c564b"];

  function node(tag, text, className) {
    var el = document.createElement(tag);
    if (text) { el.textContent = text; }
    if (className) { el.className = className; }
    return el;
  }

  // a tooltip's content as a text node: Leaflet would insert a string as HTML (names come from imports)
  function plain(text) {
    return node("span", text);
  }

  function link(href, text) {
    var a = node("a", text);
    a.href = href;
    return a;
  }

  function popup(school, labels, threshold) {
    var box = node("div", "", "map-popup");
    box.appendChild(node("strong", school.name));
    box.appendChild(node("div", school.town, "hint"));
    if (school.has_value) {
      var line = node("div", labels.value + "：");
      line.appendChild(node("b", school.shown));
      if (school.met_label) {
        line.appendChild(document.createTextNode(" "));
        line.appendChild(node("span", school.met_label, "badge " + (school.met ? "green" : "red")));
      }
      box.appendChild(line);
      if (threshold) { box.appendChild(node("div", labels.threshold + " " + threshold, "hint")); }
    } else {
      box.appendChild(node("div", labels.no_value_here, "hint"));
    }
    if (school.groups.length) { box.appendChild(node("div", labels.groups_of + "：" + school.groups.join("、"))); }
    var links = node("div", "", "links");
    if (school.indicator_url) { links.appendChild(link(school.indicator_url, labels.value_page)); links.appendChild(document.createTextNode(" · ")); }
    links.appendChild(link(school.url, labels.school_page));
    box.appendChild(links);
    return box;
  }

  function label(latlng, text, className) {
    return L.marker(latlng, {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: className, html: "", iconSize: null })
    }).on("add", function (event) { event.target.getElement().appendChild(node("span", text)); });
  }

  function drawOne(box) {
    var source = document.getElementById(box.dataset.map);
    if (!source || typeof L === "undefined") { return; }
    box.dataset.started = "1";
    var data = JSON.parse(source.textContent);
    var labels = data.labels;
    var map = L.map(box, { attributionControl: Boolean(data.tiles), zoomSnap: 0.25, scrollWheelZoom: false });
    if (data.tiles) {
      map.attributionControl.setPrefix("Leaflet");
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 19 }).addTo(map);
    } else {
      box.classList.add("no-tiles");
    }
    var towns = L.layerGroup();
    data.towns.forEach(function (town) {
      L.polygon(town.outline, {
        color: "#7a869a", weight: 1, dashArray: "4 4", fillColor: "#dfe6ee", fillOpacity: 0.45, interactive: false
      }).addTo(towns);
      label(town.centre, town.label, "map-town-label").addTo(towns);
    });
    var groups = L.layerGroup();
    data.groups.forEach(function (group, i) {
      var colour = GROUP_COLOURS[i % GROUP_COLOURS.length];
      var style = { color: colour, weight: 1.5, opacity: 0.75, fillOpacity: 0.06 };
      var shape;
      if (group.lead) {
        // a group led by a 学区长学校: a line from the lead school to each member
        shape = L.polyline(group.points.map(function (p) { return [group.lead, p]; }), style);
      } else {
        shape = group.outline.length > 2 ? L.polygon(group.outline, style) : L.polyline(group.outline, style);
      }
      shape.bindTooltip(plain(group.name + "（" + group.kind + "，" + group.members + "）"), { sticky: true }).addTo(groups);
      if (group.lead) {
        L.circleMarker(group.lead, { radius: 11, color: colour, weight: 2, fill: false, interactive: false }).addTo(groups);
      }
    });
    var schools = L.featureGroup();
    var others = L.featureGroup();
    data.schools.forEach(function (school) {
      var marker;
      if (school.has_value) {
        marker = L.circleMarker([school.lat, school.lng], {
          radius: 7, color: "#333", weight: 1, fillColor: school.colour, fillOpacity: 0.95,
          dashArray: school.withheld ? "2 2" : null
        }).addTo(schools);
      } else {
        marker = L.circleMarker([school.lat, school.lng], {
          radius: 4, color: school.colour, weight: 1, fillColor: "#fff", fillOpacity: 1
        }).addTo(others);
      }
      marker.bindTooltip(plain(school.name + (school.shown ? "：" + school.shown : "")));
      marker.bindPopup(popup(school, labels, data.threshold));
    });
    towns.addTo(map);
    groups.addTo(map);
    schools.addTo(map);
    var anyValue = data.schools.some(function (s) { return s.has_value; });
    if (!anyValue) { others.addTo(map); }
    var overlays = {};
    overlays[labels.towns] = towns;
    overlays[labels.groups] = groups;
    overlays[labels.schools] = schools;
    overlays[labels.no_value] = others;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    var bounds = L.latLngBounds([]);
    data.schools.forEach(function (s) { bounds.extend([s.lat, s.lng]); });
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.08), { maxZoom: 15 });
    } else {
      map.setView([35, 105], 4);  // nothing located: the country, until schools have coordinates
    }
    // data-drawn tells the browser tests the map has finished drawing
    box.dataset.drawn = "1";
  }

  function draw(root) {
    root.querySelectorAll("div.school-map[data-map]").forEach(function (box) {
      if (!box.dataset.started) { drawOne(box); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
