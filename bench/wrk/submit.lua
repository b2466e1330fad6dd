-- A resident applying: GET /apply (session cookie and CSRF token), then POST
-- every answer at once to /apply/check with step=confirm and a one-time form
-- token of its own, as the check page's Send does; a stored request answers
-- 303 to its receipt. Run with one connection per thread (-t N -c N): each
-- thread is then one client alternating the two requests.

local TYPES = {"KK", "KTP", "KIA", "AKL", "AKM", "PINDAH"}
local KECAMATAN = {"Kamang Baru", "Koto VII", "IV Nagari", "Kupitan",
                   "Lubuk Tarok", "Sijunjung", "Sumpur Kudus", "Tanjung Gadang"}
local NAMES = {"Siti Rahmadani", "Budi Santoso", "Yusuf Chaniago", "Rina Putri"}
-- Each document's own questions (kiosk/domain/questions.py), answered.
local DETAILS = {
   KK = "kk_reason=change&head_is_applicant=yes",
   KTP = "ktp_reason=lost&ktp_recorded=yes",
   KIA = "child_name=Rina+Putri&child_birth_date=2019-04-09&parent_relation=mother",
   AKL = "child_name=Budi&child_sex=male&child_birth_date=2024-11-03"
      .. "&child_birth_place=Muaro&birth_order=1&mother_name=Siti+Rahma",
   AKM = "deceased_name=Yusuf+Malin&deceased_nik=1303051203450417"
      .. "&death_date=2024-12-01&death_place=Muaro&reporter_relation=child",
   PINDAH = "destination_province=Riau&destination_regency=Pekanbaru"
      .. "&destination_district=Sail&destination_address=Jl.+Sudirman+10"
      .. "&move_reason=work&member_1_name=Siti+Rahma&member_1_nik=1303054507900001",
}
local serial = 0

local cookie, csrf, form_token
local want = "form"

function init(args)
   seed_random()
end

local function encode(text)
   return (text:gsub("[^%w%-_%.~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

local function nik()
   -- Province 13, regency 03, a district, a birth date (women: day + 40), a serial.
   return string.format("1303%02d%02d%02d%02d%04d", math.random(1, 8),
      math.random(1, 28) + 40 * math.random(0, 1), math.random(1, 12),
      math.random(0, 99), math.random(1, 9999))
end

local function hidden(body, name)
   for tag in body:gmatch("<input[^>]+>") do
      if tag:find('name="' .. name .. '"', 1, true) then
         return tag:match('value="([^"]*)"')
      end
   end
end

function request()
   local headers = {}
   if cookie then
      headers["Cookie"] = cookie
   end
   if want == "form" then
      headers["X-Bench-Label"] = "submit-form"
      return format("GET", "/apply", headers)
   end
   headers["X-Bench-Label"] = "submit-post"
   headers["Content-Type"] = "application/x-www-form-urlencoded"
   local document = TYPES[math.random(#TYPES)]
   serial = serial + 1
   form_token = string.format("bench-%08x-%d", math.random(0, 0x7fffffff), serial)
   local fields = {
      "step=confirm", "csrf_token=" .. encode(csrf),
      "form_token=" .. encode(form_token),
      "document_type=" .. document, DETAILS[document],
      "applicant_name=" .. encode(NAMES[math.random(#NAMES)]),
      "nik=" .. nik(), "phone=081234567890",
      "kecamatan=" .. encode(KECAMATAN[math.random(#KECAMATAN)]),
      "nagari=Muaro", "note=", "language=id", "consent=y",
   }
   return format("POST", "/apply/check", headers, table.concat(fields, "&"))
end

function response(status, headers, body)
   local set = headers["Set-Cookie"] or headers["set-cookie"]
   if set then
      cookie = set:match("^([^;]+)")
   end
   if want == "form" then
      csrf = hidden(body, "csrf_token")
      if status == 200 and csrf then
         want = "post"
      else
         count("form_failed")
      end
      return
   end
   count(status == 303 and "created" or "refused_" .. status)
   want = "form"
end
