-- GET a random path from a file (one per line) on every request, so each
-- request looks up a different record instead of one cached row. A line may
-- hold a tab and an ETag after the path: the request then revalidates the
-- copy a browser keeps (If-None-Match).
-- Arguments: the file of paths.

local paths = {}
local tags = {}

function init(args)
   for line in io.lines(args[1]) do
      if line ~= "" then
         local path, tag = line:match("^([^\t]+)\t(.+)$")
         table.insert(paths, path or line)
         table.insert(tags, tag or false)
      end
   end
   assert(#paths > 0, "no paths in " .. args[1])
   seed_random()
end

function request()
   local i = math.random(#paths)
   if tags[i] then
      return format("GET", paths[i], {["If-None-Match"] = tags[i]})
   end
   return format("GET", paths[i])
end

function response(status, headers, body)
   count("status_" .. status)
end
